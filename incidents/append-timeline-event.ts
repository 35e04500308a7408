import { sql } from 'drizzle-orm';
import type { Actor, Database } from '../platform/index.ts';
import { timelineEvents } from './schema/timeline-events.ts';
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

/**
 * Appends an event in the caller's transaction and announces it to live viewers; the NOTIFY is
 * delivered only if the transaction commits.
 */
export async function appendTimelineEvent(tx: Database, actor: Actor, input: TimelineEventInput): Promise<TimelineEvent> {
  const [event] = await tx
    .insert(timelineEvents)
    .values({
      incidentId: input.incidentId,
      type: input.type,
      actorType: actor.kind,
      actorId: actor.id,
      actorName: actor.name,
      occurredAt: input.occurredAt ?? new Date(),
      data: input.data ?? {},
    })
    .returning();
  if (!event) throw new Error('timeline insert returned no row');
  await tx.execute(sql`select pg_notify(${TIMELINE_CHANNEL}, ${JSON.stringify({ incidentId: event.incidentId, eventId: event.id })})`);
  return event;
}
