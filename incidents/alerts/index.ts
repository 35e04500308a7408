// The alerts domain: alerts, their correlation into incidents, silences.
export { receiveAlerts } from './receive-alerts.ts';
export type { ReceivedAlert, ReceiveOptions, ReceiveSummary } from './receive-alerts.ts';
export { alertFingerprint } from './fingerprint.ts';
export { alertSettingsFrom, configureAlertSettings, groupKeyOf } from './alert-settings.ts';
export type { AlertSettings } from './alert-settings.ts';
export { listAlerts, listIncidentAlerts, AlertListQuery } from './list-alerts.ts';
export { createSilence, SilenceInput } from './create-silence.ts';
export { expireSilence } from './expire-silence.ts';
export { listSilences, getSilence, SilenceListQuery } from './list-silences.ts';
export { presentSilence, silenceStatus } from './silence-status.ts';
export { parseMatchers, formatMatcher } from './matchers.ts';
export type { Matcher } from './matchers.ts';
export { expireAlerts } from './expire-alerts.ts';
export { registerAlerting, ALERT_EXPIRY_JOB } from './register-alerting.ts';
export { alertRoutes, silenceRoutes } from './routes.ts';
export type { Alert } from './schema/alerts.ts';
export type { Silence } from './schema/silences.ts';
