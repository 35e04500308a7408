import { and, asc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { Database, RetentionClass } from '../../platform/index.ts';
import { queryRows } from '../../platform/index.ts';
import { lockName, tryLockKeys } from './advisory-locks.ts';
import { alerts } from './schema/alerts.ts';

// An alert is over when its sender resolved it, or when it expired (its sender went silent and its
// endsAt passed); each has its own column and partial index, so each is found by a range scan.
const resolvedBefore = (cutoff: Date) => and(eq(alerts.status, 'resolved'), lt(alerts.resolvedAt, cutoff));
const expiredBefore = (cutoff: Date) => and(eq(alerts.status, 'expired'), lt(alerts.expiredAt, cutoff));

/** Up to `limit` alerts that ended before `cutoff`, oldest first within each way of ending. */
async function endedBefore(tx: Database, cutoff: Date, limit: number): Promise<{ id: number; fingerprint: string }[]> {
  const columns = { id: alerts.id, fingerprint: alerts.fingerprint };
  const resolved = await tx.select(columns).from(alerts).where(resolvedBefore(cutoff)).orderBy(asc(alerts.resolvedAt)).limit(limit);
  if (resolved.length >= limit) return resolved;
  const expired = await tx
    .select(columns)
    .from(alerts)
    .where(expiredBefore(cutoff))
    .orderBy(asc(alerts.expiredAt))
    .limit(limit - resolved.length);
  return [...resolved, ...expired];
}

/**
 * Alerts as a retention class (ALERT_RETENTION_DAYS): an alert that is over (resolved by its sender,
 * or expired when its sender went silent) is deleted that long after it ended. Firing alerts are kept
 * however old; an alert that fires again later starts a new episode on the same row.
 */
export const alertRetention: RetentionClass = {
  name: 'alerts',
  async oldestRowAt(db) {
    // Two scalar reads, so that each is answered from the end of its partial index.
    const [row] = await queryRows<{ oldest: string | Date | null }>(
      db,
      sql`select least(
        (select min(resolved_at) from alerts where status = 'resolved'),
        (select min(expired_at) from alerts where status = 'expired')) as oldest`,
    );
    return row?.oldest ? new Date(row.oldest) : null;
  },
  async deleteBatch(tx, cutoff, limit) {
    const due = await endedBefore(tx, cutoff, limit);
    if (due.length === 0) return 0;
    // An alert a delivery is merging right now holds its lock: it is left for the next run, and the
    // conditions below keep an alert that fired again meanwhile.
    const held = await tryLockKeys(
      tx,
      due.map((row) => lockName('alert', row.fingerprint)),
    );
    const free = due.filter((row) => held.has(lockName('alert', row.fingerprint))).map((row) => row.id);
    if (free.length === 0) return 0;
    const deleted = await tx
      .delete(alerts)
      .where(and(inArray(alerts.id, free), or(resolvedBefore(cutoff), expiredBefore(cutoff))))
      .returning({ id: alerts.id });
    return deleted.length;
  },
};
