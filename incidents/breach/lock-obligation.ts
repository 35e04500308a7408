import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../../platform/index.ts';
import type { Database } from '../../platform/index.ts';
import { breachObligations } from './schema/breach-obligations.ts';
import type { BreachObligation } from './schema/breach-obligations.ts';

/** Locks an obligation for a read-modify-write; a stale expectedVersion is a 409. */
export async function lockObligation(tx: Database, id: string, expectedVersion?: number): Promise<BreachObligation> {
  const [row] = z.uuid().safeParse(id).success ? await tx.select().from(breachObligations).where(eq(breachObligations.id, id)).for('update') : [];
  if (!row) throw new NotFoundError(`No obligation "${id}".`);
  if (expectedVersion !== undefined && expectedVersion !== row.version) {
    throw new ConflictError(`The obligation changed since you loaded it (you have version ${expectedVersion}, it is at ${row.version}); reload and try again.`, 'stale_version', { currentVersion: row.version });
  }
  return row;
}
