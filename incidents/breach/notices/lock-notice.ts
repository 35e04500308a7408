import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../../platform/index.ts';
import { ConflictError, NotFoundError } from '../../../platform/index.ts';
import type { BreachNotice } from './schema/breach-notices.ts';
import { breachNotices } from './schema/breach-notices.ts';

export async function lockNotice(tx: Database, id: string, expectedVersion?: number): Promise<BreachNotice> {
  const [notice] = z.uuid().safeParse(id).success
    ? await tx.select().from(breachNotices).where(eq(breachNotices.id, id)).for('update')
    : [];
  if (!notice) throw new NotFoundError(`No notice "${id}".`);
  if (expectedVersion !== undefined && expectedVersion !== notice.version) {
    throw new ConflictError(
      `The notice changed since you loaded it (you have version ${expectedVersion}, it is at ${notice.version}); reload and try again.`,
      'stale_version',
      { currentVersion: notice.version },
    );
  }
  return notice;
}
