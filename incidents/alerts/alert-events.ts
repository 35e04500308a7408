import type { Actor, Database } from '../../platform/index.ts';
import { prepareTimelineAppend } from '../timeline/index.ts';
import type { AlertEvent, AlertState } from './merge-alert.ts';

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

const TIMELINE_TYPES = { fired: 'alert.fired', resolved: 'alert.resolved', expired: 'alert.expired', refired: 'alert.refired' } as const;

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
 * Appends every event to its incident's timeline in one statement, which announces them to live
 * viewers, each incident's together (delivered on commit). Run it after the alert rows are written:
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
    occurred_at: ('at' in pending.event ? pending.event.at : pending.state.startsAt).toISOString(),
    previous_end: pending.event.type === 'refired' ? pending.event.previousEnd.toISOString() : null,
  }));
  const inserted = await appendAlertEvents(tx, JSON.stringify(rows));
  // Each event names an alert this transaction wrote or holds: one that is missing is a bug, not a skip.
  if (inserted !== rows.length)
    throw new Error(`recordAlertEvents: ${rows.length - inserted} of ${rows.length} events name an alert that is not stored`);
}

/** An ISO 8601 UTC time with milliseconds, as Date.prototype.toISOString() writes it. */
const iso = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The `data` of an alert's timeline entry, from its row `a`: what describeAlert() says of it. */
const ALERT_EVENT_DATA = `jsonb_build_object('fingerprint', a.fingerprint, 'alertname', a.labels ->> 'alertname', 'severity', a.severity,
  'summary', a.annotations ->> 'summary', 'labels', a.labels, 'startsAt', ${iso('a.starts_at')}, 'endsAt', ${iso('a.ends_at')},
  'generatorUrl', a.generator_url)`;

// Entries are appended in the order given (a re-fire's resolution before its new firing).
const appendAlertEvents = prepareTimelineAppend<[rows: string]>(`
  select e.incident_id, e.type, e.actor_type, e.actor_id, e.actor_name, e.occurred_at,
    ${ALERT_EVENT_DATA} || case when e.previous_end is null then '{}'::jsonb else jsonb_build_object('previousEnd', ${iso('e.previous_end')}) end as data,
    e.position
  from rows from (jsonb_to_recordset($1::text::jsonb) as (fingerprint text, incident_id uuid, type text, actor_type text, actor_id text,
      actor_name text, occurred_at timestamptz, previous_end timestamptz))
    with ordinality as e(fingerprint, incident_id, type, actor_type, actor_id, actor_name, occurred_at, previous_end, position)
    join alerts a on a.fingerprint = e.fingerprint`);
