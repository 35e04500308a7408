import { and, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Actor, Database } from '../../platform/index.ts';
import { preparedStatement } from '../../platform/index.ts';
import { notifyIncidentChange } from '../../notifier/index.ts';
import { TIMELINE_CHANNEL } from '../append-timeline-event.ts';
import { incidentSnapshot } from '../incident-snapshot.ts';
import { incidents } from '../schema/incidents.ts';
import type { Incident } from '../schema/incidents.ts';
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
 * channel, each incident's together (delivered on commit).
 */
export async function recordAlertEvents(tx: Database, events: readonly PendingEvent[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((pending) => ({
    incident_id: pending.incidentId,
    type: TIMELINE_TYPES[pending.event.type],
    actor_type: pending.actor.kind,
    actor_id: pending.actor.id,
    actor_name: pending.actor.name,
    occurred_at: (pending.event.type === 'resolved' ? pending.event.at : pending.state.startsAt).toISOString(),
    data: {
      ...describeAlert(pending.fingerprint, pending.labels, pending.state),
      ...(pending.event.type === 'refired' ? { previousEnd: pending.event.previousEnd.toISOString() } : {}),
    },
  }));
  await insertEvents(tx, JSON.stringify(rows));
}

// The events of each incident are announced together, at most 400 ids per NOTIFY (a payload holds
// under 8000 bytes): a storm of joins is a few notifications, not one per alert.
const insertEvents = preparedStatement<[rows: string], { announced: number }>(`
  with inserted as (
    insert into timeline_events (incident_id, type, actor_type, actor_id, actor_name, occurred_at, data)
    select incident_id, type, actor_type, actor_id, actor_name, occurred_at, data
    from jsonb_to_recordset($1::text::jsonb)
      as e(incident_id uuid, type text, actor_type text, actor_id text, actor_name text, occurred_at timestamptz, data jsonb)
    returning id, incident_id
  ),
  numbered as (select id, incident_id, (row_number() over (partition by incident_id order by id) - 1) / 400 as chunk from inserted)
  select count(pg_notify('${TIMELINE_CHANNEL}', json_build_object('incidentId', incident_id, 'eventIds', ids)::text))::int as announced
  from (select incident_id, json_agg(id order by id) as ids from numbered group by incident_id, chunk) as announcements`);

const MAX_LISTED = 20;

/**
 * After the alert rows are written: an incident whose last firing alert resolved is resolved (once),
 * one that was resolved and has a firing alert again is reopened, and one that gained alerts hears
 * of them. The caller holds the group locks of these incidents, so the counts cannot race.
 */
export async function settleIncidents(
  tx: Database,
  incidentIds: ReadonlySet<string>,
  events: readonly PendingEvent[],
  now: Date,
  /** Incidents the caller read after taking its group locks; the others are read here. */
  known: ReadonlyMap<string, IncidentRef> = new Map(),
): Promise<void> {
  if (incidentIds.size === 0) return;
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
      const updated = await setResolvedAt(tx, incident.id, now);
      if (updated) {
        await notifyIncidentChange(tx, { kind: 'resolved', incident: incidentSnapshot(updated), at: now, actorName: actor.name, details: { via: 'alerts', alerts: listed(['resolved']) } });
      }
      continue;
    }
    if (gained && incident.resolved) {
      const updated = await setResolvedAt(tx, incident.id, null);
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

/** Sets or clears resolvedAt if it is not already so; answers the updated incident, or null if nothing changed. */
async function setResolvedAt(tx: Database, incidentId: string, value: Date | null): Promise<Incident | null> {
  const [updated] = await tx
    .update(incidents)
    .set({ resolvedAt: value, version: sql`${incidents.version} + 1`, updatedAt: new Date() })
    .where(and(eq(incidents.id, incidentId), value ? isNull(incidents.resolvedAt) : isNotNull(incidents.resolvedAt)))
    .returning();
  return updated ?? null;
}
