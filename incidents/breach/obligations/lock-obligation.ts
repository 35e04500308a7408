import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../../platform/index.ts';
import { ConflictError, NotFoundError } from '../../../platform/index.ts';
import { incidents } from '../../schema/incidents.ts';
import type { BreachObligation } from './schema/breach-obligations.ts';
import { breachObligations } from './schema/breach-obligations.ts';

/** Locks an obligation (and its incident) for a read-modify-write; a stale expectedVersion is a 409. */
export async function lockObligation(tx: Database, id: string, expectedVersion?: number): Promise<BreachObligation> {
  const [found] = z.uuid().safeParse(id).success
    ? await tx.select({ incidentId: breachObligations.incidentId }).from(breachObligations).where(eq(breachObligations.id, id))
    : [];
  if (!found) throw new NotFoundError(`No obligation "${id}".`);
  // The incident first, as recording facts does: every breach write locks incident, then obligations, so none deadlock.
  await tx.select({ id: incidents.id }).from(incidents).where(eq(incidents.id, found.incidentId)).for('update');
  const [row] = await tx.select().from(breachObligations).where(eq(breachObligations.id, id)).for('update');
  if (!row) throw new NotFoundError(`No obligation "${id}".`);
  if (expectedVersion !== undefined && expectedVersion !== row.version) {
    throw new ConflictError(
      `The obligation changed since you loaded it (you have version ${expectedVersion}, it is at ${row.version}); reload and try again.`,
      'stale_version',
      { currentVersion: row.version },
    );
  }
  return row;
}
