// The alerts domain: alerts, their correlation into incidents, silences.

export type { AlertSettings } from './alert-settings.ts';
export { alertSettingsFrom } from './alert-settings.ts';
export { alertFingerprint } from './fingerprint.ts';
export type { ReceivedAlert } from './ingest-shapes.ts';
export { listIncidentAlerts } from './list-alerts.ts';
export { receiveAlerts } from './receive-alerts.ts';
export { registerAlerting } from './register-alerting.ts';
export { alertRoutes, silenceRoutes } from './routes.ts';
export type { Alert } from './schema/alerts.ts';
