import { and, desc, eq } from 'drizzle-orm';
import type { Database } from '../../platform/index.ts';
import type { TimelineEvent } from './schema/timeline-events.ts';
import { timelineEvents } from './schema/timeline-events.ts';

/** The newest event of a type in an incident's timeline ("who acknowledged it"), or null. */
export async function findLatestEvent(db: Database, incidentId: string, type: string): Promise<TimelineEvent | null> {
  const [event] = await db
    .select()
    .from(timelineEvents)
    .where(and(eq(timelineEvents.incidentId, incidentId), eq(timelineEvents.type, type)))
    .orderBy(desc(timelineEvents.id))
    .limit(1);
  return event ?? null;
}
