import { eq } from 'drizzle-orm';
import type { Database } from '../../platform/index.ts';
import { NotFoundError } from '../../platform/index.ts';
import type { TimelineEvent } from './schema/timeline-events.ts';
import { timelineEvents } from './schema/timeline-events.ts';

/** One timeline entry by its id (the alerts page lists the alerts behind a delivery's entry). */
export async function getTimelineEvent(db: Database, id: number): Promise<TimelineEvent> {
  const [event] = await db.select().from(timelineEvents).where(eq(timelineEvents.id, id));
  if (!event) throw new NotFoundError(`timeline entry ${id} not found`);
  return event;
}
