import type { StoredSnapshot } from '../stored-snapshot.ts';

/** Block Kit blocks, loosely typed: Slack validates them, and the client library accepts any shape. */
export type Block = Record<string, unknown>;

/** Facts the summary shows beyond the snapshot, looked up at delivery time when available. */
export interface IncidentFacts {
  alerts: { name: string; status: string }[];
  deadlines: { name: string; dueAt: string; overdue: boolean }[];
}

export const ACTION_IDS = {
  acknowledge: 'incident_acknowledge',
  escalate: 'incident_escalate',
  nextPhase: 'incident_next_phase',
  openTimeline: 'incident_open_timeline',
} as const;

const SEVERITY_EMOJI: Record<StoredSnapshot['severity'], string> = {
  sev1: ':red_circle:',
  sev2: ':large_orange_circle:',
  sev3: ':large_yellow_circle:',
  sev4: ':white_circle:',
};

/** "inc-42-checkout-errors": Slack channel names are lower case, at most 80 characters, no spaces. */
export function incidentChannelName(snapshot: Pick<StoredSnapshot, 'reference' | 'title'>): string {
  const slug = snapshot.title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${snapshot.reference.toLowerCase()}-${slug}`.slice(0, 80).replace(/-+$/, '');
}

export function phaseLabel(phase: string): string {
  return phase.replaceAll('_', ' ');
}

export function statusOf(snapshot: StoredSnapshot): string {
  if (snapshot.closedAt) return 'Closed';
  if (snapshot.recoveredAt) return 'Resolved';
  if (snapshot.acknowledgedAt) return 'Acknowledged';
  return 'Unacknowledged';
}

/** The summary message in the incident channel, with its buttons; kept current with chat.update. */
export function renderSummary(snapshot: StoredSnapshot, link: string, facts: IncidentFacts | null): { text: string; blocks: Block[] } {
  // The header is plain_text (Slack shows it as it is); everything else is mrkdwn and escaped.
  const plainTitle = `${SEVERITY_EMOJI[snapshot.severity]} ${snapshot.reference} · ${snapshot.title}`;
  const title = `${SEVERITY_EMOJI[snapshot.severity]} ${snapshot.reference} · ${escapeSlack(snapshot.title)}`;
  const fields = [
    `*Severity*\n${snapshot.severity.toUpperCase()}`,
    `*Phase*\n${phaseLabel(snapshot.phase)}`,
    `*Commander*\n${snapshot.commander ? escapeSlack(snapshot.commander.name) : '_unassigned_'}`,
    `*Status*\n${statusOf(snapshot)}`,
    `*Services*\n${snapshot.services.length ? escapeSlack(snapshot.services.join(', ')) : '_none_'}`,
  ];
  if (facts) {
    const firing = facts.alerts.filter((alert) => alert.status === 'firing').length;
    // Expired alerts were not resolved by their source: it went silent, which is not a recovery.
    const expired = facts.alerts.filter((alert) => alert.status === 'expired').length;
    const silent = expired > 0 ? `, ${expired} expired (source went silent)` : '';
    fields.push(`*Alerts*\n${facts.alerts.length ? `${firing} firing${silent} of ${facts.alerts.length}` : '_none_'}`);
  }
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: plainTitle.replace(/:[a-z_]+: /, '').slice(0, 150) } },
    { type: 'section', fields: fields.map((text) => ({ type: 'mrkdwn', text })) },
  ];
  if (facts && facts.deadlines.length > 0) {
    const lines = facts.deadlines.map((deadline) => {
      const due = Math.floor(new Date(deadline.dueAt).getTime() / 1000);
      return `${deadline.overdue ? ':rotating_light: *overdue*' : ':alarm_clock:'} ${escapeSlack(deadline.name)}: <!date^${due}^{date_short_pretty} {time}|${deadline.dueAt}>`;
    });
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Deadlines*\n${lines.join('\n')}` } });
  }
  const buttons: Block[] = [];
  if (!snapshot.acknowledgedAt && !snapshot.closedAt) {
    buttons.push({
      type: 'button',
      action_id: ACTION_IDS.acknowledge,
      style: 'primary',
      text: { type: 'plain_text', text: 'Acknowledge' },
      value: snapshot.id,
    });
  }
  if (!snapshot.closedAt) {
    buttons.push({
      type: 'button',
      action_id: ACTION_IDS.escalate,
      style: 'danger',
      text: { type: 'plain_text', text: 'Escalate' },
      value: snapshot.id,
    });
    buttons.push({ type: 'button', action_id: ACTION_IDS.nextPhase, text: { type: 'plain_text', text: 'Next phase' }, value: snapshot.id });
  }
  buttons.push({ type: 'button', action_id: ACTION_IDS.openTimeline, text: { type: 'plain_text', text: 'Open timeline' }, url: link });
  blocks.push({ type: 'actions', block_id: `incident:${snapshot.id}`, elements: buttons });
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `<${link}|Timeline of ${snapshot.reference}> · updated by Firebreak` }],
  });
  const text = `${title} — ${snapshot.severity.toUpperCase()}, ${phaseLabel(snapshot.phase)}, ${statusOf(snapshot).toLowerCase()}`;
  return { text, blocks };
}

/** The announcement in a broadcast channel: one line and a link, kept current like the summary. */
export function renderAnnouncement(snapshot: StoredSnapshot, link: string, channelId: string | null): { text: string; blocks: Block[] } {
  const where = channelId ? ` in <#${channelId}>` : '';
  const text = `${SEVERITY_EMOJI[snapshot.severity]} *${snapshot.reference}* ${escapeSlack(snapshot.title)} — ${snapshot.severity.toUpperCase()}, ${phaseLabel(snapshot.phase)}, ${statusOf(snapshot).toLowerCase()}${where}`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `<${link}|Open the timeline>` }] },
    ],
  };
}

/**
 * Text from people (titles, notes, names, alert text) escaped for Slack's mrkdwn: `&`, `<` and `>`
 * become entities, so that `<!channel>`, `<@U…>` and disguised links `<https://evil|docs>` show as
 * typed instead of pinging everyone or hiding where a link goes.
 */
export function escapeSlack(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
