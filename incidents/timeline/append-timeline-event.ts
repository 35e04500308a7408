import type { Actor, Database } from '../../platform/index.ts';
import { epochMs, preparedStatement } from '../../platform/index.ts';
import type { TimelineEvent } from './schema/timeline-events.ts';
import { announcementSql, MAX_ANNOUNCED_EVENTS } from './timeline-announcement.ts';

/*
 * The only code that appends to timeline_events: one event at a time (every action on an incident),
 * or a batch read by one statement (alerts joining, resolving, re-firing). Each inserts and announces
 * in one statement, one round trip.
 */

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

const insertEvent = preparedStatement<
  [incidentId: string, type: string, actorType: string, actorId: string, actorName: string, occurredAt: string, data: string],
  InsertedRow
>(`
  with inserted as (
    insert into timeline_events (incident_id, type, actor_type, actor_id, actor_name, occurred_at, data)
    values ($1::text::uuid, $2, $3, $4, $5, $6::text::timestamptz, $7::text::jsonb)
    returning *
  )
  select id::text as id, incident_id::text as incident_id, type, actor_type, actor_id, actor_name,
    ${epochMs('occurred_at')} as occurred_at, ${epochMs('recorded_at')} as recorded_at, data,
    ${announcementSql('incident_id', 'json_build_array(id)')} as announced
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

/** Appends a batch of events (see prepareTimelineAppend); answers how many it appended. */
export type TimelineAppend<Params extends readonly unknown[]> = (tx: Database, ...params: Params) => Promise<number>;

/**
 * A prepared statement that appends the events `source` yields, in the order of its `position`
 * column, and announces each incident's together. `source` is the text of a SELECT giving the columns
 * incident_id (uuid), type, actor_type, actor_id, actor_name, occurred_at (timestamptz), data (jsonb)
 * and position, from the statement's parameters ($1, ...): the caller describes its events in SQL
 * (from rows it has just written, say) and they travel once. Make it once, at module load.
 */
export function prepareTimelineAppend<Params extends readonly unknown[]>(source: string): TimelineAppend<Params> {
  const statement = preparedStatement<Params, { inserted: number; announced: number }>(`
    with inserted as (
      insert into timeline_events (incident_id, type, actor_type, actor_id, actor_name, occurred_at, data)
      select incident_id, type, actor_type, actor_id, actor_name, occurred_at, data
      from (${source}) as source
      order by position
      returning id, incident_id
    ),
    numbered as (select id, incident_id, (row_number() over (partition by incident_id order by id) - 1) / ${MAX_ANNOUNCED_EVENTS} as chunk from inserted)
    select (select count(*) from inserted)::int as inserted,
      count(${announcementSql('incident_id', 'ids')})::int as announced
    from (select incident_id, json_agg(id order by id) as ids from numbered group by incident_id, chunk) as announcements`);
  return async (tx, ...params) => (await statement(tx, ...params))[0]?.inserted ?? 0;
}
