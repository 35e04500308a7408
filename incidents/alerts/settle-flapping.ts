import { and, asc, inArray, isNotNull, lte } from 'drizzle-orm';
import { notifyIncidentChange } from '../../notifier/index.ts';
import type { Config, Database } from '../../platform/index.ts';
import { SYSTEM_ACTOR } from '../../platform/index.ts';
import { incidentSnapshot } from '../incident-snapshot.ts';
import { incidents } from '../schema/incidents.ts';
import { lockName, tryLockKeys } from './advisory-locks.ts';
import { describeAlert } from './alert-events.ts';
import { alertSettingsFrom } from './alert-settings.ts';
import { alerts } from './schema/alerts.ts';

const BATCH = 500;
const MAX_LISTED = 20;

/**
 * Flapping alerts with no state change for a whole ALERT_FLAP_WINDOW_SECONDS have settled: each of
 * their incidents hears once how they settled, and its pages are made right (the changes of a flapping
 * alert move the incident but hold its messages and pages). Run on the expiry job's tick; alerts a
 * request is changing right now are left for the next tick. Returns how many settled.
 */
export async function settleFlappingAlerts(tx: Database, now: Date, config: Config): Promise<number> {
  const quietSince = new Date(now.getTime() - alertSettingsFrom(config).flap.windowMs);
  const due = await tx
    .select({ id: alerts.id, fingerprint: alerts.fingerprint })
    .from(alerts)
    .where(and(isNotNull(alerts.flappingSince), lte(alerts.lastChangeAt, quietSince)))
    .orderBy(asc(alerts.lastChangeAt))
    .limit(BATCH);
  if (due.length === 0) return 0;
  const held = await tryLockKeys(
    tx,
    due.map((row) => lockName('alert', row.fingerprint)),
  );
  const free = due.filter((row) => held.has(lockName('alert', row.fingerprint)));
  if (free.length === 0) return 0;
  const settled = await tx
    .update(alerts)
    .set({ flappingSince: null, flapNotifiedAt: null, flapCount: 0, flapWindowStart: null })
    .where(
      and(
        inArray(
          alerts.id,
          free.map((row) => row.id),
        ),
        isNotNull(alerts.flappingSince),
        lte(alerts.lastChangeAt, quietSince),
      ),
    )
    .returning();
  const byIncident = new Map<string, typeof settled>();
  for (const row of settled) {
    if (!row.incidentId) continue;
    byIncident.set(row.incidentId, [...(byIncident.get(row.incidentId) ?? []), row]);
  }
  if (byIncident.size === 0) return settled.length;
  const rows = await tx
    .select()
    .from(incidents)
    .where(inArray(incidents.id, [...byIncident.keys()]));
  for (const incident of rows) {
    const mine = byIncident.get(incident.id) ?? [];
    // The worst state tells: one that still fires makes the incident page.
    const state = mine.some((row) => row.status === 'firing')
      ? 'firing'
      : mine.some((row) => row.status === 'expired')
        ? 'expired'
        : 'resolved';
    await notifyIncidentChange(tx, config, {
      kind: 'alert_settled',
      incident: incidentSnapshot(incident),
      at: now,
      actorName: SYSTEM_ACTOR.name,
      alerts: mine.slice(0, MAX_LISTED).map((row) => describeAlert(row.fingerprint, row.labels, row)),
      count: mine.length,
      state,
      incidentResolved: incident.resolvedAt !== null && !incident.closedAt,
    });
  }
  return settled.length;
}
