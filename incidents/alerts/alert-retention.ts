import { and, asc, eq, inArray, lt, min } from 'drizzle-orm';
import type { RetentionClass } from '../../platform/index.ts';
import { lockName, tryLockKeys } from './advisory-locks.ts';
import { alerts } from './schema/alerts.ts';

/**
 * Alerts as a retention class (ALERT_RETENTION_DAYS): a resolved alert (resolved by its sender, or
 * expired when its endsAt passed) is deleted that long after it resolved. Firing alerts are kept
 * however old; an alert that fires again later starts a new row.
 */
export const alertRetention: RetentionClass = {
  name: 'alerts',
  async oldestRowAt(db) {
    const [row] = await db
      .select({ oldest: min(alerts.resolvedAt) })
      .from(alerts)
      .where(eq(alerts.status, 'resolved'));
    return row?.oldest ?? null;
  },
  async deleteBatch(tx, cutoff, limit) {
    const due = await tx
      .select({ id: alerts.id, fingerprint: alerts.fingerprint })
      .from(alerts)
      .where(and(eq(alerts.status, 'resolved'), lt(alerts.resolvedAt, cutoff)))
      .orderBy(asc(alerts.resolvedAt))
      .limit(limit);
    if (due.length === 0) return 0;
    // An alert a delivery is merging right now holds its lock: it is left for the next run, and the
    // status check below keeps an alert that fired again meanwhile.
    const held = await tryLockKeys(
      tx,
      due.map((row) => lockName('alert', row.fingerprint)),
    );
    const free = due.filter((row) => held.has(lockName('alert', row.fingerprint))).map((row) => row.id);
    if (free.length === 0) return 0;
    const deleted = await tx
      .delete(alerts)
      .where(and(inArray(alerts.id, free), eq(alerts.status, 'resolved'), lt(alerts.resolvedAt, cutoff)))
      .returning({ id: alerts.id });
    return deleted.length;
  },
};
