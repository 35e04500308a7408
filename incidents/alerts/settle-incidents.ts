import { and, inArray } from 'drizzle-orm';
import { notifyAlertsJoined, notifyIncidentChange } from '../../notifier/index.ts';
import type { Config, Database } from '../../platform/index.ts';
import { incidentSnapshot } from '../incident-snapshot.ts';
import { setIncidentResolvedAt } from '../incident-writes.ts';
import type { IncidentAlertChanges, PendingEvent } from './alert-events.ts';
import { alertChangesByIncident, describeAlert, isHeld } from './alert-events.ts';
import type { IncidentRef } from './alert-statements.ts';
import { incidentRefs } from './alert-statements.ts';
import type { AlertEvent } from './merge-alert.ts';
import { alerts } from './schema/alerts.ts';

const MAX_LISTED = 20;

/**
 * After the alert rows are written: an incident whose last firing alert resolved is resolved (once),
 * one that was resolved and has a firing alert again is reopened, and one whose alerts changed
 * otherwise hears of them once per delivery, in the words of its timeline entry. Expiry is not
 * recovery: an incident with an expired alert stays open, and one whose last firing alerts expired
 * hears that their source went silent. The caller holds the group locks of these incidents, so the
 * counts cannot race.
 */
export async function settleIncidents(
  tx: Database,
  /** When it happens, and the configuration the notifications owed are made under. */
  context: { now: Date; config: Config },
  incidentIds: ReadonlySet<string>,
  events: readonly PendingEvent[],
  /** Incidents the caller read after taking its group locks; the others are read here. */
  known: ReadonlyMap<string, IncidentRef> = new Map(),
  /** alertChangesByIncident(events), when the caller has it already (it wrote the timeline entries from it). */
  sentences: ReadonlyMap<string, IncidentAlertChanges> = alertChangesByIncident(events),
): Promise<void> {
  if (incidentIds.size === 0) return;
  const { now, config } = context;
  const byIncident = new Map<string, PendingEvent[]>();
  for (const pending of events) {
    const mine = byIncident.get(pending.incidentId);
    if (mine) mine.push(pending);
    else byIncident.set(pending.incidentId, [pending]);
  }
  const ending = (pending: PendingEvent) => pending.event.type === 'resolved' || pending.event.type === 'expired';
  // Only an incident that lost a firing alert can have none left; the index on (incident_id, status) answers.
  const resolving = [...incidentIds].filter((id) => byIncident.get(id)?.some(ending));
  const unknown = new Set([...incidentIds].filter((id) => !known.has(id)));
  const [unresolvedRows, read] = await Promise.all([
    resolving.length > 0
      ? tx
          .selectDistinct({ incidentId: alerts.incidentId, status: alerts.status })
          .from(alerts)
          .where(and(inArray(alerts.incidentId, resolving), inArray(alerts.status, ['firing', 'expired'])))
      : Promise.resolve([]),
    incidentRefs(tx, unknown),
  ]);
  const stillFiring = new Set(unresolvedRows.filter((row) => row.status === 'firing').map((row) => row.incidentId));
  const stillExpired = new Set(unresolvedRows.filter((row) => row.status === 'expired').map((row) => row.incidentId));
  // The sentence of each incident's timeline entry (sentences): its Slack line says the same.
  const refs = [...[...incidentIds].flatMap((id) => known.get(id) ?? []), ...read];
  const joinedNews: { incident: IncidentRef; actorName: string; news: PendingEvent[]; text: string | undefined }[] = [];
  for (const incident of refs) {
    const mine = byIncident.get(incident.id) ?? [];
    const actor = mine[0]?.actor;
    if (!actor) continue;
    const listed = (kinds: AlertEvent['type'][]) =>
      mine
        .filter((pending) => kinds.includes(pending.event.type))
        .slice(0, MAX_LISTED)
        .map((pending) => describeAlert(pending.fingerprint, pending.labels, pending.state));
    const gained = mine.some((pending) => !ending(pending));
    const text = sentences.get(incident.id)?.text;
    // A flapping alert's changes move the incident, but its messages and pages wait for it to settle.
    const held = isHeld(mine, incident.id);
    // One message per delivery: the alerts that opened the incident are told by its opening, except
    // those with a reason the opening does not give (released from inhibition: the line says why).
    const news = mine.filter((pending) => !(pending.event.type === 'fired' && pending.joinedNew && !pending.because));
    if (!gained && resolving.includes(incident.id) && !stillFiring.has(incident.id)) {
      if (stillExpired.has(incident.id)) {
        // Nothing fires any more, but what expired never said it recovered: the incident stays open and
        // people hear that its source went silent (once per batch of expiries, not per alert).
        const expired = mine.filter((pending) => pending.event.type === 'expired');
        if (expired.length === 0 || incident.resolved) continue;
        await notifyIncidentChange(tx, config, {
          kind: 'signals_expired',
          incident: incident.snapshot,
          at: now,
          actorName: actor.name,
          alerts: listed(['expired']),
          count: expired.length,
        });
        continue;
      }
      const updated = await setIncidentResolvedAt(tx, incident.id, now);
      if (updated && !held) {
        await notifyIncidentChange(tx, config, {
          kind: 'resolved',
          incident: incidentSnapshot(updated),
          at: now,
          actorName: actor.name,
          via: 'alerts',
          alerts: listed(['resolved']),
          text,
        });
      }
      continue;
    }
    if (gained && incident.resolved) {
      const updated = await setIncidentResolvedAt(tx, incident.id, null);
      if (updated) {
        if (held) continue;
        await notifyIncidentChange(tx, config, {
          kind: 'reopened',
          incident: incidentSnapshot(updated),
          at: now,
          actorName: actor.name,
          alerts: listed(['fired', 'refired']),
          text,
        });
        continue;
      }
    }
    if (news.length > 0 && !held) joinedNews.push({ incident, actorName: actor.name, news, text });
  }
  if (joinedNews.length === 0) return;
  // Deliveries that changed alerts of open incidents: their messages together, from the incidents as
  // read with the group locks (no read of their own).
  await notifyAlertsJoined(
    tx,
    config,
    joinedNews.map(({ incident, actorName, news, text }) => ({
      kind: 'alert_joined' as const,
      incident: incident.snapshot,
      at: now,
      actorName,
      alerts: () => news.slice(0, MAX_LISTED).map((pending) => describeAlert(pending.fingerprint, pending.labels, pending.state)),
      count: news.length,
      text,
    })),
  );
}
