import { epochMs, preparedStatement } from '../../platform/index.ts';
import type { Actor, Database } from '../../platform/index.ts';
import type { TimelineEvent } from './schema/timeline-events.ts';

/**
 * Postgres NOTIFY channel on which appended events are announced: {"incidentId","eventId"} for one,
 * {"incidentId","eventIds":[...]} for several appended to one incident by one statement.
 */
export const TIMELINE_CHANNEL = 'firebreak_timeline';

export interface TimelineEventInput {
  incidentId: string;
  type: string;
  occurredAt?: Date;
  data?: Record<string, unknown>;
}

interface InsertedRow {
  id: string;
  incident_id: string;
  type: string;
  actor_type: string;
  actor_id: string;
  actor_name: string;
  occurred_at: number;
  recorded_at: number;
  data: Record<string, unknown>;
}

// Inserts and announces in one statement (one round trip): every action on an incident appends an event.
const insertEvent = preparedStatement<[incidentId: string, type: string, actorType: string, actorId: string, actorName: string, occurredAt: string, data: string], InsertedRow>(`
  with inserted as (
    insert into timeline_events (incident_id, type, actor_type, actor_id, actor_name, occurred_at, data)
    values ($1::text::uuid, $2, $3, $4, $5, $6::text::timestamptz, $7::text::jsonb)
    returning *
  )
  select id::text as id, incident_id::text as incident_id, type, actor_type, actor_id, actor_name,
    ${epochMs('occurred_at')} as occurred_at, ${epochMs('recorded_at')} as recorded_at, data,
    pg_notify('${TIMELINE_CHANNEL}', json_build_object('incidentId', incident_id, 'eventId', id)::text) as announced
  from inserted`);

/**
 * Appends an event in the caller's transaction and announces it to live viewers; the NOTIFY is
 * delivered only if the transaction commits.
 */
export async function appendTimelineEvent(tx: Database, actor: Actor, input: TimelineEventInput): Promise<TimelineEvent> {
  const [row] = await insertEvent(
    tx,
    input.incidentId,
    input.type,
    actor.kind,
    actor.id,
    actor.name,
    (input.occurredAt ?? new Date()).toISOString(),
    JSON.stringify(input.data ?? {}),
  );
  if (!row) throw new Error('timeline insert returned no row');
  return {
    id: Number(row.id),
    incidentId: row.incident_id,
    type: row.type,
    actorType: row.actor_type,
    actorId: row.actor_id,
    actorName: row.actor_name,
    occurredAt: new Date(row.occurred_at),
    recordedAt: new Date(row.recorded_at),
    data: row.data,
  };
}
