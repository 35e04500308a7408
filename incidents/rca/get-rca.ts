import { eq } from 'drizzle-orm';
import type { Database } from '../../platform/index.ts';
import { NotFoundError } from '../../platform/index.ts';
import { getIncident } from '../get-incident.ts';
import { incidentReference } from '../incident-reference.ts';
import type { RootCauseAnalysis } from './schema/root-cause-analyses.ts';
import { rootCauseAnalyses } from './schema/root-cause-analyses.ts';

/** An incident's root-cause analysis, or null when none has been started. */
export async function findRca(db: Database, incidentId: string): Promise<RootCauseAnalysis | null> {
  const [rca] = await db.select().from(rootCauseAnalyses).where(eq(rootCauseAnalyses.incidentId, incidentId));
  return rca ?? null;
}

/** The same by id or reference; NotFoundError when there is none yet. */
export async function getRca(db: Database, idOrReference: string): Promise<RootCauseAnalysis> {
  const incident = await getIncident(db, idOrReference);
  const rca = await findRca(db, incident.id);
  if (!rca) throw new NotFoundError(`${incidentReference(incident)} has no root-cause analysis yet.`);
  return rca;
}
