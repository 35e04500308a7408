import { and, eq, inArray } from 'drizzle-orm';
import type { Actor, Config, Database } from '../../platform/index.ts';
import { preparedStatement } from '../../platform/index.ts';
import { notifyIncidentChange } from '../../notifier/index.ts';
import { TIMELINE_CHANNEL } from '../timeline/index.ts';
import { incidentSnapshot } from '../incident-snapshot.ts';
import { incidents } from '../schema/incidents.ts';
import { setIncidentResolvedAt } from '../incident-writes.ts';
import type { AlertEvent, AlertState } from './merge-alert.ts';
import { alerts } from './schema/alerts.ts';
import { incidentRefs } from './alert-statements.ts';
import type { IncidentRef } from './alert-statements.ts';

/** Something that happened to an alert of an incident, waiting to be written. */
export interface PendingEvent {
  incidentId: string;
  /** Who delivered the alert (the ingest token); the timeline names them. */
  actor: Actor;
  event: AlertEvent;
  fingerprint: string;
  labels: Record<string, string>;
  state: AlertState;
  /** The alert opened this incident (its opening already notified). */
  joinedNew: boolean;
}

const TIMELINE_TYPES = { fired: 'alert.fired', resolved: 'alert.resolved', refired: 'alert.refired' } as const;

/** What a timeline entry or a message says about an alert. */
export function describeAlert(fingerprint: string, labels: Record<string, string>, state: AlertState) {
  return {
    fingerprint,
    alertname: labels.alertname ?? null,
    severity: state.severity,
    summary: state.annotations.summary ?? null,
    labels,
    startsAt: state.startsAt.toISOString(),
    endsAt: state.endsAt?.toISOString() ?? null,
    generatorUrl: state.generatorUrl,
  };
}

/**
 * Appends every event to its incident's timeline in one statement and announces them on the timeline
 * channel, each incident's together (delivered on commit). Run it after the alert rows are written:
 * an event's description (labels, severity, times, ...) is read from its alert's row by the
 * statement, not sent again from here (a storm's joins would otherwise travel, and be parsed, twice).
 */
export async function recordAlertEvents(tx: Database, events: readonly PendingEvent[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((pending) => ({
    fingerprint: pending.fingerprint,
    incident_id: pending.incidentId,
    type: TIMELINE_TYPES[pending.event.type],
    actor_type: pending.actor.kind,
    actor_id: pending.actor.id,
    actor_name: pending.actor.name,
    occurred_at: (pending.event.type === 'resolved' ? pending.event.at : pending.state.startsAt).toISOString(),
    previous_end: pending.event.type === 'refired' ? pending.event.previousEnd.toISOString() : null,
  }));
  const [result] = await insertEvents(tx, JSON.stringify(rows));
  // Each event names an alert this transaction wrote or holds: one that is missing is a bug, not a skip.
  if (result?.inserted !== rows.length) throw new Error(`recordAlertEvents: ${rows.length - (result?.inserted ?? 0)} of ${rows.length} events name an alert that is not stored`);
}

/** An ISO 8601 UTC time with milliseconds, as Date.prototype.toISOString() writes it. */
const iso = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The `data` of an alert's timeline entry, from its row `a`: what describeAlert() says of it. */
const ALERT_EVENT_DATA = `jsonb_build_object('fingerprint', a.fingerprint, 'alertname', a.labels ->> 'alertname', 'severity', a.severity,
  'summary', a.annotations ->> 'summary', 'labels', a.labels, 'startsAt', ${iso('a.starts_at')}, 'endsAt', ${iso('a.ends_at')},
  'generatorUrl', a.generator_url)`;

// The events of each incident are announced together, at most 400 ids per NOTIFY (a payload holds
// under 8000 bytes): a storm of joins is a few notifications, not one per alert. Entries are appended
// in the order given (a re-fire's resolution before its new firing).
const insertEvents = preparedStatement<[rows: string], { inserted: number; announced: number }>(`
  with inserted as (
    insert into timeline_events (incident_id, type, actor_type, actor_id, actor_name, occurred_at, data)
    select e.incident_id, e.type, e.actor_type, e.actor_id, e.actor_name, e.occurred_at,
      ${ALERT_EVENT_DATA} || case when e.previous_end is null then '{}'::jsonb else jsonb_build_object('previousEnd', ${iso('e.previous_end')}) end
    from rows from (jsonb_to_recordset($1::text::jsonb) as (fingerprint text, incident_id uuid, type text, actor_type text, actor_id text,
        actor_name text, occurred_at timestamptz, previous_end timestamptz))
      with ordinality as e(fingerprint, incident_id, type, actor_type, actor_id, actor_name, occurred_at, previous_end, position)
      join alerts a on a.fingerprint = e.fingerprint
    order by e.position
    returning id, incident_id
  ),
  numbered as (select id, incident_id, (row_number() over (partition by incident_id order by id) - 1) / 400 as chunk from inserted)
  select (select count(*) from inserted)::int as inserted,
    count(pg_notify('${TIMELINE_CHANNEL}', json_build_object('incidentId', incident_id, 'eventIds', ids)::text))::int as announced
  from (select incident_id, json_agg(id order by id) as ids from numbered group by incident_id, chunk) as announcements`);

const MAX_LISTED = 20;

/**
 * After the alert rows are written: an incident whose last firing alert resolved is resolved (once),
 * one that was resolved and has a firing alert again is reopened, and one that gained alerts hears
 * of them. The caller holds the group locks of these incidents, so the counts cannot race.
 */
export async function settleIncidents(
  tx: Database,
  /** When it happens, and the configuration the notifications owed are made under. */
  context: { now: Date; config: Config },
  incidentIds: ReadonlySet<string>,
  events: readonly PendingEvent[],
  /** Incidents the caller read after taking its group locks; the others are read here. */
  known: ReadonlyMap<string, IncidentRef> = new Map(),
): Promise<void> {
  if (incidentIds.size === 0) return;
  const { now } = context;
  const byIncident = new Map<string, PendingEvent[]>();
  for (const pending of events) {
    const mine = byIncident.get(pending.incidentId);
    if (mine) mine.push(pending);
    else byIncident.set(pending.incidentId, [pending]);
  }
  // Only an incident that lost a firing alert can have none left; the index on (incident_id, status) answers.
  const resolving = [...incidentIds].filter((id) => byIncident.get(id)?.some((pending) => pending.event.type === 'resolved'));
  const unknown = new Set([...incidentIds].filter((id) => !known.has(id)));
  const [firingRows, read] = await Promise.all([
    resolving.length > 0
      ? tx.selectDistinct({ incidentId: alerts.incidentId }).from(alerts).where(and(inArray(alerts.incidentId, resolving), eq(alerts.status, 'firing')))
      : Promise.resolve([]),
    incidentRefs(tx, unknown),
  ]);
  const stillFiring = new Set(firingRows.map((row) => row.incidentId));
  const refs = [...[...incidentIds].flatMap((id) => known.get(id) ?? []), ...read];
  for (const incident of refs) {
    const mine = byIncident.get(incident.id) ?? [];
    const actor = mine[0]?.actor;
    if (!actor) continue;
    const listed = (kinds: AlertEvent['type'][]) =>
      mine
        .filter((pending) => kinds.includes(pending.event.type))
        .slice(0, MAX_LISTED)
        .map((pending) => describeAlert(pending.fingerprint, pending.labels, pending.state));
    const gained = mine.some((pending) => pending.event.type !== 'resolved');
    // Another instance of the incident's own alert joining is recorded on the timeline, but is not news
    // worth a message: a storm of fifty instances should not post fifty times.
    const ownAlert = incident.alertname;
    const joined = mine.filter((pending) => pending.event.type === 'fired' && !pending.joinedNew && (ownAlert === null || pending.labels.alertname !== ownAlert));
    if (!gained && resolving.includes(incident.id) && !stillFiring.has(incident.id)) {
      const updated = await setIncidentResolvedAt(tx, incident.id, now);
      if (updated) {
        await notifyIncidentChange(tx, { kind: 'resolved', incident: incidentSnapshot(updated), at: now, actorName: actor.name, details: { via: 'alerts', alerts: listed(['resolved']) } });
      }
      continue;
    }
    if (gained && incident.resolved) {
      const updated = await setIncidentResolvedAt(tx, incident.id, null);
      if (updated) {
        await notifyIncidentChange(tx, { kind: 'reopened', incident: incidentSnapshot(updated), at: now, actorName: actor.name, details: { alerts: listed(['fired', 'refired']) } });
        continue;
      }
    }
    if (joined.length > 0) {
      const first = joined[0];
      const [full] = await tx.select().from(incidents).where(eq(incidents.id, incident.id));
      if (!full) continue;
      await notifyIncidentChange(tx, {
        kind: 'alert_joined',
        incident: incidentSnapshot(full),
        at: now,
        actorName: actor.name,
        details: {
          alertname: first?.labels.alertname ?? null,
          fingerprint: first?.fingerprint ?? null,
          count: joined.length,
          alerts: joined.slice(0, MAX_LISTED).map((pending) => describeAlert(pending.fingerprint, pending.labels, pending.state)),
        },
      });
    }
  }
}
