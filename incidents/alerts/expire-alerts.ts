import { and, eq, inArray, isNotNull, lte } from 'drizzle-orm';
import type { Config, Database } from '../../platform/index.ts';
import { SYSTEM_ACTOR } from '../../platform/index.ts';
import { lockName, tryLockKeys } from './advisory-locks.ts';
import type { PendingEvent } from './alert-events.ts';
import { recordAlertEvents } from './alert-events.ts';
import { alerts } from './schema/alerts.ts';
import { settleIncidents } from './settle-incidents.ts';

const BATCH = 500;

/**
 * Marks expired the firing alerts whose endsAt passed without a heartbeat moving it (the sender
 * stopped sending, or its last word was a resolve timeout). Expiry is not recovery: nobody said the
 * alert is over, so it resolves no incident and no page (see settleIncidents). An inhibition mark
 * goes with it (only a firing alert is muted), so that the inhibited alerts the tick reads stay those
 * that fire. Alerts a request is changing right now are left for the next run. Returns how many expired.
 */
export async function expireAlerts(tx: Database, now: Date, config: Config): Promise<number> {
  const due = await tx
    .select({ id: alerts.id, fingerprint: alerts.fingerprint, groupKey: alerts.groupKey })
    .from(alerts)
    .where(and(eq(alerts.status, 'firing'), isNotNull(alerts.endsAt), lte(alerts.endsAt, now)))
    .orderBy(alerts.id)
    .limit(BATCH);
  if (due.length === 0) return 0;
  const held = await tryLockKeys(
    tx,
    due.flatMap((row) => [lockName('alert', row.fingerprint), lockName('group', row.groupKey)]),
  );
  const free = due.filter((row) => held.has(lockName('alert', row.fingerprint)) && held.has(lockName('group', row.groupKey)));
  if (free.length === 0) return 0;
  const expired = await tx
    .update(alerts)
    .set({ status: 'expired', resolvedAt: null, expiredAt: now, inhibitedBy: null, updatedAt: now })
    .where(
      and(
        inArray(
          alerts.id,
          free.map((row) => row.id),
        ),
        eq(alerts.status, 'firing'),
        lte(alerts.endsAt, now),
      ),
    )
    .returning();
  const events: PendingEvent[] = [];
  const touched = new Set<string>();
  for (const row of expired) {
    if (!row.incidentId) continue;
    touched.add(row.incidentId);
    events.push({
      incidentId: row.incidentId,
      actor: SYSTEM_ACTOR,
      event: { type: 'expired', at: row.endsAt ?? now },
      fingerprint: row.fingerprint,
      labels: row.labels,
      state: row,
      joinedNew: false,
    });
  }
  await recordAlertEvents(tx, events);
  await settleIncidents(tx, { now, config }, touched, events);
  return expired.length;
}
