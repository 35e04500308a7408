import { and, asc, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../platform/index.ts';
import type { TimelineEvent } from './schema/timeline-events.ts';
import { timelineEvents } from './schema/timeline-events.ts';

export const TimelineQuery = z.object({
  /** The id of the last event already seen. */
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type TimelineQuery = z.infer<typeof TimelineQuery>;

/** An incident's events in the order they were recorded, a page at a time. */
export async function listTimeline(
  db: Database,
  incidentId: string,
  query: TimelineQuery,
): Promise<{ events: TimelineEvent[]; nextAfter: number | null }> {
  const events = await db
    .select()
    .from(timelineEvents)
    .where(and(eq(timelineEvents.incidentId, incidentId), query.after ? gt(timelineEvents.id, query.after) : undefined))
    .orderBy(asc(timelineEvents.id))
    .limit(query.limit);
  const last = events.at(-1);
  return { events, nextAfter: events.length === query.limit && last ? last.id : null };
}
