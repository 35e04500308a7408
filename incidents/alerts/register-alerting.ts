import type { Config, Scheduler } from '../../platform/index.ts';
import { alertSettingsFrom, configureAlertSettings } from './alert-settings.ts';
import { expireAlerts } from './expire-alerts.ts';

export const ALERT_EXPIRY_JOB = 'alerts.expire';

/** Applies the ALERT_* settings and schedules the job that resolves alerts whose endsAt passed (every 5 s). */
export function registerAlerting(scheduler: Scheduler, config: Config): void {
  configureAlertSettings(alertSettingsFrom(config));
  scheduler.every(ALERT_EXPIRY_JOB, '*/5 * * * * *', async (tx, now) => {
    await expireAlerts(tx, config, now);
  });
}
