// The alerts domain: alerts, their correlation into incidents, silences.

export { alertRetention } from './alert-retention.ts';
export type { AlertSettings } from './alert-settings.ts';
export { alertSettingsFrom } from './alert-settings.ts';
export { createSilence, SilenceInput } from './create-silence.ts';
export { currentInhibitionRelease, describeInhibitionRelease } from './describe-inhibition-release.ts';
export { eraseSubjectFromAlerts } from './erase-from-alerts.ts';
export { expireSilence } from './expire-silence.ts';
export { alertFingerprint } from './fingerprint.ts';
export type { HeartbeatState, HeartbeatView } from './heartbeats/index.ts';
export {
  createHeartbeat,
  deleteHeartbeat,
  getHeartbeat,
  HeartbeatInput,
  heartbeatRoutes,
  listHeartbeats,
  registerHeartbeats,
  updateHeartbeat,
} from './heartbeats/index.ts';
export type { ReceivedAlert } from './ingest-shapes.ts';
export { InhibitRuleInput } from './inhibit-rule-input.ts';
export { inhibitRuleRoutes } from './inhibit-rule-routes.ts';
export { createInhibitRule, deleteInhibitRule, listInhibitRules, presentInhibitRule } from './inhibit-rules.ts';
export { AlertListQuery, listAlerts, listIncidentAlerts } from './list-alerts.ts';
export { getSilence, listSilences } from './list-silences.ts';
export { loadInhibitRulesFile } from './load-inhibit-rules-file.ts';
export { formatMatcher } from './matchers.ts';
export { receiveAlerts } from './receive-alerts.ts';
export { registerAlerting } from './register-alerting.ts';
export { alertRoutes, silenceRoutes } from './routes.ts';
export type { Alert, InhibitionRelease } from './schema/alerts.ts';
export type { InhibitRule } from './schema/inhibit-rules.ts';
export type { Silence } from './schema/silences.ts';
export type { SilenceStatus } from './silence-status.ts';
export { silenceStatus } from './silence-status.ts';
export { silentSourceIncidents } from './silent-sources.ts';
