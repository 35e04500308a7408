import { eq } from 'drizzle-orm';
import type { Config, Database } from '../platform/index.ts';
import { findSlackUserIds } from '../platform/index.ts';
import { changeKey } from './change-key.ts';
import { refreshEscalationSnapshot, refreshEscalationSnapshots, startPaging, stopEscalations } from './escalation.ts';
import type { DeadlineWarning, IncidentChange } from './incident-change.ts';
import { enqueuePage, followUpPages } from './pagerduty/enqueue-page.ts';
import type { IncidentRoutes } from './routing/resolve-routes.ts';
import { resolveRoutes } from './routing/resolve-routes.ts';
import { incidentEscalations } from './schema/incident-escalations.ts';
import type { NotifierSettings } from './settings.ts';
import { settingsFromConfig } from './settings.ts';
import { escapeSlack, phaseLabel } from './slack/blocks.ts';
import { enqueueSlackPost, enqueueSlackSync } from './slack/enqueue-slack.ts';
import type { StoredSnapshot } from './stored-snapshot.ts';
import { storeSnapshot } from './stored-snapshot.ts';

/** What a deadline warning calls the deadline: "Notify the regulator (gdpr)". */
function deadlineName({ deadline }: DeadlineWarning): string {
  return deadline.subject === 'action_item'
    ? `Overdue action item "${deadline.title}" (owner ${deadline.ownerName})`
    : `${deadline.title} (${deadline.regime})`;
}

/** The line posted in the incident's channel for a change, or null when the summary update says it all. */
function describeChange(change: IncidentChange): { text: string; broadcast: boolean } | null {
  // Everything people typed is escaped for Slack's mrkdwn (<!channel>, disguised links).
  const by = escapeSlack(change.actorName);
  switch (change.kind) {
    case 'opened':
      return null;
    case 'acknowledged':
      return { text: `:white_check_mark: Acknowledged by ${by} (via ${change.via}).`, broadcast: false };
    case 'phase_changed':
      return {
        text: `:arrow_forward: Phase ${phaseLabel(change.from)} → *${phaseLabel(change.to)}* (by ${by})${change.reason ? `: ${escapeSlack(change.reason)}` : '.'}`,
        broadcast: false,
      };
    case 'severity_changed':
      return {
        text: `:warning: Severity ${change.from.toUpperCase()} → *${change.to.toUpperCase()}* (by ${by})${change.reason ? `: ${escapeSlack(change.reason)}` : '.'}`,
        broadcast: true,
      };
    case 'roles_changed':
      return {
        text: `:bust_in_silhouette: ${escapeSlack(change.name)} ${change.released ? 'is no longer' : 'is now'} ${change.role} (by ${by}).`,
        broadcast: false,
      };
    case 'alert_joined': {
      if (change.text) return { text: `:bell: ${escapeSlack(change.text)}.`, broadcast: false };
      const first = change.alerts[0];
      // An empty label is no label (Prometheus): such an alert goes by its fingerprint.
      const alert = escapeSlack(first?.alertname || first?.fingerprint || '');
      return { text: `:bell: ${alert ? `Alert *${alert}*` : 'Another alert'} joined the incident.`, broadcast: false };
    }
    case 'resolved':
      if (change.via === 'heartbeat')
        return {
          text: `:large_green_circle: Resolved: heartbeat *${escapeSlack(change.heartbeat)}* is heard again; the alerting pipeline delivers.`,
          broadcast: true,
        };
      return {
        text: `:large_green_circle: Resolved: every signal has recovered${change.via === 'alerts' && change.text ? ` (${escapeSlack(change.text)})` : ''}.`,
        broadcast: true,
      };
    case 'signals_expired': {
      const names = [...new Set(change.alerts.map((alert) => alert.alertname || alert.fingerprint))].slice(0, 5).map(escapeSlack);
      const what =
        change.count === 1 ? `Alert *${names[0] ?? ''}*` : `${change.count} alerts (${names.map((name) => `*${name}*`).join(', ')})`;
      return {
        text: `:grey_question: Source went silent: ${what} expired without a resolution. Nothing says it recovered; the incident stays open and pages stand. Check that Prometheus and Alertmanager still send.`,
        broadcast: true,
      };
    }
    case 'reopened':
      return { text: `:red_circle: Reopened: ${change.text ? escapeSlack(change.text) : 'an alert fired again'}.`, broadcast: true };
    case 'alert_settled': {
      const names = [...new Set(change.alerts.map((alert) => alert.alertname || alert.fingerprint))].slice(0, 5).map(escapeSlack);
      const what =
        change.count === 1 ? `Alert *${names[0] ?? ''}*` : `${change.count} alerts (${names.map((name) => `*${name}*`).join(', ')})`;
      return {
        text: `:ok: Stopped flapping: ${what} settled *${change.state}* (no change for a whole flap window; messages were held while it flapped).${change.incidentResolved ? ' The incident is resolved.' : ''}`,
        broadcast: true,
      };
    }
    case 'closed':
      return { text: `:lock: Closed by ${by}.`, broadcast: true };
    case 'deadline_warning': {
      const name = escapeSlack(deadlineName(change));
      const dueAt = change.deadline.dueAt.toISOString();
      const due = ` <!date^${Math.floor(change.deadline.dueAt.getTime() / 1000)}^{date_short_pretty} {time}|${dueAt}>`;
      if (change.deadline.subject === 'action_item')
        return {
          text: `:clipboard: Reminder: action item "${change.deadline.title}" (owner ${change.deadline.ownerName}) was due${due} and is not done yet.`,
          broadcast: false,
        };
      return change.deadline.overdue
        ? { text: `:rotating_light: *Overdue:* ${name} was due${due}.`, broadcast: true }
        : { text: `:alarm_clock: *Deadline approaching:* ${name} is due${due}.`, broadcast: true };
    }
    case 'note_added':
      // A note that came from Slack is already in the channel.
      if (change.source === 'slack') return null;
      return { text: `:memo: Note by ${by}: ${escapeSlack(change.text.slice(0, 2900))}`, broadcast: false };
  }
}

async function slackUserIdOf(tx: Database, userId: string | null): Promise<string | null> {
  if (userId === null) return null;
  return (await findSlackUserIds(tx, [userId])).get(userId) ?? null;
}

async function notifySlack(
  tx: Database,
  settings: NotifierSettings,
  change: IncidentChange,
  incident: StoredSnapshot,
  routes: IncidentRoutes,
  key: string,
): Promise<void> {
  const route = routes.slack;
  if (!route) return;
  if (change.kind !== 'note_added' && change.kind !== 'deadline_warning') {
    const assignee = change.kind === 'roles_changed' && !change.released ? await slackUserIdOf(tx, change.userId) : null;
    const invitees = assignee ? [...new Set([...route.invitees, assignee])] : route.invitees;
    await enqueueSlackSync(tx, settings, incident, { ...route, invitees }, `${key}:slack:sync`);
  }
  const line = describeChange(change);
  if (line) await enqueueSlackPost(tx, settings, { incident, text: line.text, broadcast: line.broadcast }, `${key}:slack:post`);
}

async function pagedRouteKeys(tx: Database, incidentId: string): Promise<Set<string>> {
  const rows = await tx
    .select({ routeKey: incidentEscalations.routeKey })
    .from(incidentEscalations)
    .where(eq(incidentEscalations.incidentId, incidentId));
  return new Set(rows.map((row) => row.routeKey));
}

async function notifyPagerDuty(
  tx: Database,
  settings: NotifierSettings,
  change: IncidentChange,
  incident: StoredSnapshot,
  routes: IncidentRoutes,
  key: string,
): Promise<void> {
  switch (change.kind) {
    case 'opened':
      for (const route of routes.pages) await startPaging(tx, settings, incident, route, change.at, key);
      return;
    case 'severity_changed': {
      // Raised above a paging threshold: page the routes that have not been paged yet.
      if (incident.acknowledgedAt || incident.recoveredAt || incident.closedAt) return;
      const paged = await pagedRouteKeys(tx, incident.id);
      for (const route of routes.pages) if (!paged.has(route.routeKey)) await startPaging(tx, settings, incident, route, change.at, key);
      return;
    }
    case 'acknowledged':
      await stopEscalations(tx, incident.id);
      // Acknowledged in PagerDuty itself: PagerDuty knows already.
      if (change.via !== 'pagerduty') await followUpPages(tx, settings, incident, 'acknowledge', key);
      return;
    case 'resolved':
    case 'closed':
      await stopEscalations(tx, incident.id);
      await followUpPages(tx, settings, incident, 'resolve', key);
      return;
    case 'reopened':
      for (const route of routes.pages) await startPaging(tx, settings, incident, route, change.at, key);
      return;
    case 'alert_settled':
      // The pages its held changes would have sent: resolved if the incident is, triggered if it still fires.
      if (change.incidentResolved) {
        await stopEscalations(tx, incident.id);
        await followUpPages(tx, settings, incident, 'resolve', key);
      } else if (change.state === 'firing' && !incident.acknowledgedAt && !incident.recoveredAt && !incident.closedAt) {
        for (const route of routes.pages) await startPaging(tx, settings, incident, route, change.at, key);
      }
      return;
    case 'deadline_warning': {
      // Only a breach deadline that has passed pages; an overdue action item is a reminder.
      if (change.deadline.subject !== 'breach_obligation' || !change.deadline.overdue) return;
      const name = escapeSlack(deadlineName(change));
      const routingKeys = new Set(routes.pages.map((route) => route.routingKeys[0]).filter((routingKey) => routingKey !== undefined));
      const fallback = settings.defaults.pagerdutyRoutingKey;
      if (routingKeys.size === 0 && fallback) routingKeys.add(fallback);
      for (const routingKey of routingKeys) {
        await enqueuePage(tx, settings, {
          incident,
          action: 'trigger',
          routingKey,
          dedupKey: `${incident.id}:deadline:${name}`,
          idempotencyKey: `${key}:deadline:${routingKey}`,
          summary: `[${incident.reference}] Overdue: ${name} (${incident.title})`,
          details: { obligation: name, dueAt: change.deadline.dueAt.toISOString() },
        });
      }
      return;
    }
    default:
      await refreshEscalationSnapshot(tx, incident);
  }
}

/**
 * Records, in the caller's transaction, the messages an incident change owes (Slack, pages), routed by
 * the routing rules. Delivery happens later through the outbox worker; channels that are not
 * configured (in `config`) get no messages.
 */
export async function notifyIncidentChange(tx: Database, config: Config, change: IncidentChange): Promise<void> {
  const settings = settingsFromConfig(config);
  const incident = storeSnapshot(change.incident);
  // A delivery's alerts changing owes a Slack line and a fresher snapshot for pages under way; without
  // Slack only the latter, and it is sent for every delivery of a storm: no routes to resolve.
  if (change.kind === 'alert_joined' && !settings.slack) {
    await refreshEscalationSnapshot(tx, incident);
    return;
  }
  const routes = await resolveRoutes(tx, change.incident, settings);
  const key = changeKey(change);
  await notifySlack(tx, settings, change, incident, routes, key);
  await notifyPagerDuty(tx, settings, change, incident, routes, key);
}

/** An alert_joined change whose alerts are listed only if a message will show them. */
export type AlertsJoinedLazily = Omit<Extract<IncidentChange, { kind: 'alert_joined' }>, 'alerts'> & {
  alerts: () => Extract<IncidentChange, { kind: 'alert_joined' }>['alerts'];
};

/**
 * notifyIncidentChange for the alert_joined changes of one delivery (a storm touching many incidents).
 * Without Slack all they owe is fresher snapshots for pages under way: one statement for all of them,
 * and their alerts are never listed (a storm without Slack described 20 alerts per incident per delivery for nothing).
 */
export async function notifyAlertsJoined(tx: Database, config: Config, changes: readonly AlertsJoinedLazily[]): Promise<void> {
  if (!settingsFromConfig(config).slack) {
    await refreshEscalationSnapshots(
      tx,
      changes.map((change) => storeSnapshot(change.incident)),
    );
    return;
  }
  // Issued together: their statements are pipelined on the transaction's connection.
  await Promise.all(changes.map((change) => notifyIncidentChange(tx, config, { ...change, alerts: change.alerts() })));
}
