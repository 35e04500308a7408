import type { Config, Scheduler } from '../../platform/index.ts';
import { reconcileEscalationHolds } from './escalation-holds.ts';
import { expireAlerts } from './expire-alerts.ts';
import { inhibitIncidentAlerts } from './inhibit-incident-alerts.ts';
import { readInhibition } from './inhibition.ts';
import { releaseInhibitedAlerts } from './release-inhibited.ts';
import { settleFlappingAlerts } from './settle-flapping.ts';

export const ALERT_EXPIRY_JOB = 'alerts.expire';

/**
 * Schedules the job (every 5 s) that expires alerts whose endsAt passed, settles flapping ones,
 * releases the alerts whose inhibiting source stopped firing (one that expired in this same run
 * too), marks inhibited the alerts of paging incidents that a new source inhibits, and holds or
 * resumes the escalation of incidents whose alerts all flap or are all inhibited. One transaction.
 */
export function registerAlerting(scheduler: Scheduler, config: Config): void {
  scheduler.every(ALERT_EXPIRY_JOB, '*/5 * * * * *', async (tx, now) => {
    await expireAlerts(tx, now, config);
    await settleFlappingAlerts(tx, now, config);
    // The rules and firing sources as they are after this run's expiries, read once for both passes
    // (a release changes targets' marks and places, never which alerts fire).
    const inhibition = await readInhibition(tx, now, []);
    await releaseInhibitedAlerts(tx, now, config, inhibition);
    await inhibitIncidentAlerts(tx, now, config, inhibition);
    await reconcileEscalationHolds(tx, now, config);
  });
}
