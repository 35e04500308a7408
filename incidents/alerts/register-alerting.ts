import type { Config, Scheduler } from '../../platform/index.ts';
import { expireAlerts } from './expire-alerts.ts';

export const ALERT_EXPIRY_JOB = 'alerts.expire';

/** Schedules the job that resolves alerts whose endsAt passed (every 5 s). */
export function registerAlerting(scheduler: Scheduler, config: Config): void {
  scheduler.every(ALERT_EXPIRY_JOB, '*/5 * * * * *', async (tx, now) => {
    await expireAlerts(tx, now, config);
  });
}
