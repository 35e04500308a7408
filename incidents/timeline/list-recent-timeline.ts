import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import type { Database } from '../../platform/index.ts';
import type { TimelineEvent } from './schema/timeline-events.ts';
import { timelineEvents } from './schema/timeline-events.ts';

/** 'note.' is every type it starts; 'breach.notice_sent' is that type alone. */
const typeCondition = (type: string) =>
  type.endsWith('.') ? sql`starts_with(${timelineEvents.type}, ${type})` : eq(timelineEvents.type, type);

/**
 * An incident's events newest first, a page at a time going back (`before` = the oldest id already
 * shown): what a live page shows first, however long the timeline is; `types` keeps only those kinds.
 */
export async function listRecentTimeline(
  db: Database,
  incidentId: string,
  query: { before?: number; limit: number; types?: readonly string[] },
): Promise<{ events: TimelineEvent[]; nextBefore: number | null }> {
  const rows = await db
    .select()
    .from(timelineEvents)
    .where(
      and(
        eq(timelineEvents.incidentId, incidentId),
        query.before ? lt(timelineEvents.id, query.before) : undefined,
        query.types ? or(...query.types.map((type) => typeCondition(type))) : undefined,
      ),
    )
    .orderBy(desc(timelineEvents.id))
    .limit(query.limit + 1);
  const events = rows.slice(0, query.limit);
  const last = events.at(-1);
  return { events, nextBefore: rows.length > query.limit && last ? last.id : null };
}
