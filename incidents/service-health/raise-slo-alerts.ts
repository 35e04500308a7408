import type { ActionContext, Config } from '../../platform/index.ts';
import type { AlertSettings } from '../alerts/index.ts';
import { alertSettingsFrom, receiveAlerts } from '../alerts/index.ts';
import type { SloBurnAlert } from './evaluate-slos.ts';

/**
 * The alert settings SLO burns go through: the configured ones (ALERT_*), with the burn severities
 * mapped unless ALERT_SEVERITY_MAP maps them itself: a fast burn ("page") is sev2, which pages with the
 * default PAGERDUTY_MIN_SEVERITY; a slow burn ("ticket") is sev3, which posts but does not page.
 */
export function sloAlertSettings(config: Config): AlertSettings {
  const settings = alertSettingsFrom(config);
  return { ...settings, severityMap: { page: 'sev2', ticket: 'sev3', ...settings.severityMap } };
}

/**
 * SLO burns take the alert path (receiveAlerts) so that they get the same correlation into incidents,
 * silences and notifications as any alert; the alert's source says they came from an SLO. `ctx` is the
 * evaluation's (Firebreak itself, in the evaluation's transaction); `settings` are sloAlertSettings().
 */
export async function raiseSloAlerts(ctx: ActionContext, alerts: SloBurnAlert[], now: Date, settings: AlertSettings): Promise<void> {
  await receiveAlerts(ctx, alerts, { source: 'slo', now, settings });
}
