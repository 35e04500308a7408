import type { Config, Scheduler } from '../../platform/index.ts';
import { expireAlerts } from './expire-alerts.ts';
import { settleFlappingAlerts } from './settle-flapping.ts';

export const ALERT_EXPIRY_JOB = 'alerts.expire';

/** Schedules the job that expires alerts whose endsAt passed and settles flapping ones (every 5 s). */
export function registerAlerting(scheduler: Scheduler, config: Config): void {
  scheduler.every(ALERT_EXPIRY_JOB, '*/5 * * * * *', async (tx, now) => {
    await expireAlerts(tx, now, config);
    await settleFlappingAlerts(tx, now, config);
  });
}
