import { eq } from 'drizzle-orm';
import type { Database } from '../../../platform/index.ts';
import { recomputeObligations } from './recompute-obligations.ts';
import { breachIncidentRegimes } from './schema/breach-incident-regimes.ts';

/**
 * An incident just reached identification: until a person records the `identifiedAt` anchor, that
 * milestone stands in for it, so the clocks of the regimes applied to it (the 24 h and 48 h contract
 * clocks run from it) start now, in the transaction that records the milestone.
 */
export async function startIdentificationClocks(tx: Database, incidentId: string, at: Date): Promise<void> {
  const [applied] = await tx
    .select({ id: breachIncidentRegimes.id })
    .from(breachIncidentRegimes)
    .where(eq(breachIncidentRegimes.incidentId, incidentId))
    .limit(1);
  if (applied) await recomputeObligations(tx, incidentId, at);
}
