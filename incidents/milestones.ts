import type { Database } from '../platform/index.ts';
import { startIdentificationClocks } from './breach/index.ts';
import type { Incident } from './schema/incidents.ts';

/**
 * What other rooms do when an incident reaches a milestone, in the transaction that records it. The
 * lifecycle calls this and need not know what they do; a room that acts on a milestone is added here.
 */
export async function milestonesReached(tx: Database, before: Incident, after: Incident, at: Date): Promise<void> {
  // Breach-notification clocks that run from identification start the moment it is first reached.
  if (!before.identifiedAt && after.identifiedAt) await startIdentificationClocks(tx, after.id, at);
}
