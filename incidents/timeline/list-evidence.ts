import { and, desc, eq } from 'drizzle-orm';
import type { Database } from '../../platform/index.ts';
import type { TimelineEvent } from './schema/timeline-events.ts';
import { timelineEvents } from './schema/timeline-events.ts';

/** The evidence recorded for an incident (its 'evidence.added' events), newest first. */
export async function listEvidence(db: Database, incidentId: string, limit = 200): Promise<TimelineEvent[]> {
  return db
    .select()
    .from(timelineEvents)
    .where(and(eq(timelineEvents.incidentId, incidentId), eq(timelineEvents.type, 'evidence.added')))
    .orderBy(desc(timelineEvents.id))
    .limit(limit);
}
