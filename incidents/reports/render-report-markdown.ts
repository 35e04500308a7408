import type { TimelineEvent } from '../timeline/index.ts';
import type { IncidentReport } from './build-incident-report.ts';

const MAX_TRACES = 20;
const time = (value: Date | null | undefined) =>
  value
    ? value
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d{3}Z$/, ' UTC')
    : '—';
/** One table cell: no line breaks, pipes escaped. */
const cell = (value: unknown) =>
  String(value ?? '')
    .replace(/\r?\n/g, ' ')
    .replace(/\|/g, '\\|');
const phaseName = (phase: string) => phase.replaceAll('_', ' ');

function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  return [hours ? `${hours} h` : '', minutes ? `${minutes} min` : '', !hours && (rest || !minutes) ? `${rest} s` : '']
    .filter(Boolean)
    .join(' ');
}

const text = (value: unknown) => (typeof value === 'string' ? value : value === null || value === undefined ? '' : JSON.stringify(value));

/** A one-line description of a timeline event for people. */
export function describeEvent(event: TimelineEvent): string {
  const data = event.data;
  switch (event.type) {
    case 'incident.opened':
      return `Opened: ${text(data.title)} (${text(data.severity)})`;
    case 'alert.fired':
    case 'alert.refired':
    case 'alert.resolved':
    case 'alert.expired': {
      const verbs = {
        'alert.fired': 'fired',
        'alert.refired': 'fired again',
        'alert.resolved': 'resolved',
        'alert.expired': 'expired (its source went silent)',
      };
      const verb = verbs[event.type];
      return `Alert ${text(data.alertname) || text(data.fingerprint)} ${verb}${data.summary ? `: ${text(data.summary)}` : ''}`;
    }
    case 'alerts.changed':
      return text(data.text);
    case 'rca.started':
    case 'rca.updated':
      return `Analysis ${event.type === 'rca.started' ? 'started' : 'edited'}: ${Array.isArray(data.fields) ? data.fields.join(', ') : ''}`;
    case 'rca.approved':
      return `Analysis approved (written by ${text(data.authorName)})`;
    case 'action_item.updated':
      return `Action item ${text(data.title)}: ${Object.entries((data.changes as Record<string, { to: unknown }> | undefined) ?? {})
        .map(([field, change]) => `${field} → ${text(change.to)}`)
        .join(', ')}`;
    case 'incident.acknowledged':
      return `Acknowledged via ${text(data.via)}`;
    case 'phase.changed':
      return `Phase ${phaseName(text(data.from))} → ${phaseName(text(data.to))}${data.override ? ' (checklist overridden)' : ''}${data.reason ? `: ${text(data.reason)}` : ''}`;
    case 'severity.changed':
      return `Severity ${text(data.from)} → ${text(data.to)}${data.reason ? `: ${text(data.reason)}` : ''}`;
    case 'role.assigned':
      return `${text(data.name)} is ${text(data.role)}`;
    case 'role.handed_over':
      return `${text(data.role)} handed over to ${text(data.name)}`;
    case 'role.released':
      return `${text(data.name)} released as ${text(data.role)}`;
    case 'note.added':
      return `Note: ${text(data.text)}`;
    case 'note.edited':
      return `Note edited (revision ${text(data.revision)}): ${text(data.text)}`;
    case 'checklist.item_completed':
      return `Done: ${text(data.text)}`;
    case 'checklist.item_reopened':
      return `Reopened: ${text(data.text)}`;
    case 'checklist.item_added':
      return `Checklist item added to ${phaseName(text(data.phase))}: ${text(data.text)}`;
    case 'action_item.created':
      return `Action item: ${text(data.title)} (owner ${text(data.ownerName)})`;
    case 'action_item.overdue':
      return `Action item overdue: ${text(data.title)} (owner ${text(data.ownerName)})`;
    case 'incident.updated':
      return `Edited: ${Object.keys((data.changes as Record<string, unknown> | undefined) ?? {}).join(', ')}`;
    case 'evidence.added':
      return `Evidence: ${text(data.title)}${data.url ? ` <${text(data.url)}>` : ''}${data.sha256 ? ` sha256 ${text(data.sha256)}` : ''}`;
    case 'incident.closed':
      return `Closed${data.reason ? `: ${text(data.reason)}` : ''}`;
    default: {
      const summary = Object.entries(data)
        .filter(([, value]) => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
        .slice(0, 4)
        .map(([key, value]) => `${key}=${text(value)}`)
        .join(', ');
      return summary ? `${event.type}: ${summary}` : event.type;
    }
  }
}

/** The incident report in Markdown, for a postmortem document or a ticket. */
export function renderReportMarkdown(report: IncidentReport): string {
  const { incident, figures } = report;
  const lines: string[] = [];
  const add = (...more: string[]) => lines.push(...more);
  add(`# ${report.reference}: ${incident.title}`, '');
  add(
    `- **Severity:** ${incident.severity.toUpperCase()}`,
    `- **Phase:** ${phaseName(incident.phase)}${incident.closedAt ? ' (closed)' : ''}`,
    `- **Services:** ${incident.services.length ? incident.services.join(', ') : '—'}`,
    `- **Commander:** ${report.commander?.name ?? '—'}`,
    `- **Report generated:** ${time(report.generatedAt)}`,
    '',
  );
  if (incident.summary.trim()) add('## Summary', '', incident.summary.trim(), '');

  add('## Milestones', '', '| milestone | time |', '| --- | --- |');
  const milestones: [string, Date | null][] = [
    ['started', incident.startedAt],
    ['detected', incident.detectedAt],
    ['acknowledged', incident.acknowledgedAt],
    ['identified', incident.identifiedAt],
    ['contained', incident.containedAt],
    ['eradicated', incident.eradicatedAt],
    ['recovered', incident.recoveredAt],
    ['closed', incident.closedAt],
  ];
  for (const [name, at] of milestones) add(`| ${name} | ${time(at)} |`);
  add('');

  add('## Response times', '', '| figure | duration |', '| --- | --- |');
  add(`| time to detect | ${duration(figures.timeToDetectSeconds)} |`);
  add(`| time to acknowledge | ${duration(figures.timeToAcknowledgeSeconds)} |`);
  add(`| time to contain | ${duration(figures.timeToContainSeconds)} |`);
  add(`| time to recover | ${duration(figures.timeToRecoverSeconds)} |`, '');

  add('## Roles', '');
  if (report.roles.length === 0) add('No roles assigned.');
  for (const holder of report.roles) add(`- **${holder.role}:** ${holder.name} (since ${time(holder.assignedAt)})`);
  add('');

  add('## Alerts', '');
  if (report.alerts.length === 0) add('No alerts joined this incident.');
  else {
    add('| alert | severity | status | started | resolved |', '| --- | --- | --- | --- | --- |');
    for (const alert of report.alerts) {
      const name = alert.labels.alertname ?? alert.fingerprint;
      add(
        `| ${cell(name)}${alert.labels.service ? ` (${cell(alert.labels.service)})` : ''} | ${alert.severity} | ${alert.status} | ${time(alert.startsAt)} | ${time(alert.resolvedAt)} |`,
      );
    }
  }
  add('');

  add('## Trace evidence', '');
  if (report.traces.traces.length === 0) add('No error spans recorded for the affected services.');
  else {
    add(
      `${report.traces.totalErrorSpans} error span(s) in ${report.traces.traces.length} trace(s)${report.traces.truncated ? ' (showing the first ones)' : ''}.`,
      '',
    );
    for (const trace of report.traces.traces.slice(0, MAX_TRACES)) {
      const [first] = trace.spans;
      const exception = first?.exception
        ? ` — ${first.exception.type ?? 'error'}: ${first.exception.message ?? ''}`
        : first?.statusMessage
          ? ` — ${first.statusMessage}`
          : '';
      add(
        `- \`${trace.traceId}\` at ${time(trace.firstErrorAt)} in ${trace.services.join(', ')}${first ? `: ${first.service} ${first.name}` : ''}${exception.replace(/\r?\n/g, ' ')}`,
      );
    }
  }
  add('');

  add('## Checklists', '');
  for (const checklist of report.checklists) {
    if (checklist.total === 0) continue;
    add(`### ${phaseName(checklist.phase)} (${checklist.done}/${checklist.total})`, '');
    for (const item of checklist.items) {
      add(
        `- [${item.completedAt ? 'x' : ' '}] ${item.text}${item.completedAt ? ` — ${item.completedByName ?? ''}, ${time(item.completedAt)}` : ''}`,
      );
    }
    add('');
  }

  add('## Root-cause analysis', '');
  const rca = report.rca;
  if (!rca) add('Not written yet.', '');
  else {
    add(
      `Status: **${rca.status}** — written by ${rca.authorName}${rca.approvedByName ? `, approved by ${rca.approvedByName} at ${time(rca.approvedAt)}` : ''}.`,
      '',
    );
    if (rca.summary) add('### Summary', '', rca.summary, '');
    if (rca.impact) add('### Impact', '', rca.impact, '');
    if (rca.timelineExcerpt) add('### Timeline excerpt', '', rca.timelineExcerpt, '');
    if (rca.rootCauses.length) add('### Root causes', '', ...rca.rootCauses.map((cause) => `- ${cause}`), '');
    if (rca.contributingFactors.length) add('### Contributing factors', '', ...rca.contributingFactors.map((factor) => `- ${factor}`), '');
    if (rca.fiveWhys.length)
      add('### Five whys', '', ...rca.fiveWhys.map((why, index) => `${index + 1}. **${why.question}** ${why.answer}`), '');
    if (rca.lessonsLearned) add('### Lessons learned', '', rca.lessonsLearned, '');
  }

  add('## Action items', '');
  if (report.actionItems.length === 0) add('None.');
  else {
    add('| title | owner | due | status |', '| --- | --- | --- | --- |');
    for (const item of report.actionItems)
      add(`| ${cell(item.title)} | ${cell(item.ownerName)} | ${time(item.dueAt)} | ${item.status}${item.overdue ? ' (overdue)' : ''} |`);
  }
  add('');

  add('## Timeline', '', '| time | by | event |', '| --- | --- | --- |');
  for (const event of report.timeline) add(`| ${time(event.occurredAt)} | ${cell(event.actorName)} | ${cell(describeEvent(event))} |`);
  add('');
  return lines.join('\n');
}
