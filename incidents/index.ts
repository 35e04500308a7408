// The incidents part's surface: other parts import from here only.
export { AcknowledgeInput, acknowledgeIncident } from './acknowledge-incident.ts';
export type { ActionItem } from './action-items/index.ts';
export { ActionItemUpdate, createActionItem, listActionItems, NewActionItem, updateActionItem } from './action-items/index.ts';
export type {
  Alert,
  AlertSettings,
  HeartbeatView,
  InhibitionRelease,
  InhibitRule,
  ReceivedAlert,
  Silence,
  SilenceStatus,
} from './alerts/index.ts';
export {
  AlertListQuery,
  alertFingerprint,
  alertRetention,
  alertRoutes,
  alertSettingsFrom,
  createHeartbeat,
  createInhibitRule,
  createSilence,
  currentInhibitionRelease,
  deleteHeartbeat,
  deleteInhibitRule,
  describeInhibitionRelease,
  expireSilence,
  formatMatcher,
  getSilence,
  HeartbeatInput,
  heartbeatRoutes,
  InhibitRuleInput,
  inhibitRuleRoutes,
  listAlerts,
  listHeartbeats,
  listIncidentAlerts,
  listInhibitRules,
  listSilences,
  presentInhibitRule,
  receiveAlerts,
  registerAlerting,
  registerHeartbeats,
  SilenceInput,
  silenceRoutes,
  silenceStatus,
  silentSourceIncidents,
} from './alerts/index.ts';
export type { PublicNotice } from './breach/index.ts';
export {
  ApplyRegimeInput,
  applyRegime,
  approveNotice,
  BUILT_IN_REGIMES,
  breachRecordRetention,
  breachRoutes,
  buildComplianceReport,
  DelayReasonInput,
  DraftNoticeInput,
  draftNotice,
  EditNoticeInput,
  editNotice,
  getBreachStatus,
  getNotice,
  getPublicNotice,
  listRegimes,
  MarkBreachInput,
  markBreach,
  RecordFactsInput,
  recordBreachFacts,
  recordDelayReason,
  regimeRoutes,
  registerBreach,
  SendNoticeInput,
  SubmitObligationInput,
  SuspendObligationInput,
  sendNotice,
  submitObligation,
  suspendObligation,
  WithdrawRegimeInput,
  withdrawRegime,
} from './breach/index.ts';
export { changeSeverity, SeverityInput } from './change-severity.ts';
export { CloseInput, closeIncident } from './close-incident.ts';
export type { ExportKindName, ExportManifest, ExportResult, ExportVerification } from './data-export/index.ts';
export {
  EXPORT_KIND_NAMES,
  exportFromServer,
  exportRoutes,
  MANIFEST_FILE,
  manifestHash,
  parseKindList,
  ServerExportError,
  streamExportArchive,
  verifyExport,
  writeExport,
} from './data-export/index.ts';
export { DeclareIncidentInput, declareIncident } from './declare-incident.ts';
export { editIncident, IncidentEdit } from './edit-incident.ts';
export { getIncident } from './get-incident.ts';
export type { IncidentDetail } from './get-incident-detail.ts';
export { getIncidentDetail } from './get-incident-detail.ts';
export { hasAnyIncident, IncidentListQuery, listIncidents } from './list-incidents.ts';
export { addNote, NoteInput } from './notes/index.ts';
export { notifierHooks } from './notifier-hooks.ts';
export type { Phase } from './phases.ts';
export { PHASES, phaseIndex } from './phases.ts';
export { ChecklistItemUpdate, completeChecklistItem, listChecklist, playbookRoutes } from './playbooks/index.ts';
export type { ErasureReport } from './privacy/index.ts';
export { ErasureInput, erasePerson, privacyRoutes } from './privacy/index.ts';
export type { PurgeStatement } from './purge/index.ts';
export { checkPurgeStatement, purgeInstall, statementFiles } from './purge/index.ts';
export type { RootCauseAnalysis } from './rca/index.ts';
export { ApproveRcaInput, approveRca, findRca, RcaInput, writeRca } from './rca/index.ts';
export { registerIncidents } from './register-incidents.ts';
export { buildIncidentReport, renderReportMarkdown } from './reports/index.ts';
export { AssignRoleInput, assignRole, INCIDENT_ROLES } from './roles/index.ts';
export { incidentRoutes } from './routes.ts';
export type { Incident } from './schema/incidents.ts';
export type {
  AttributeValue,
  ExceptionRecord,
  IncidentTraces,
  OperationSeries,
  ResourceRecord,
  SeriesPoint,
  ServiceHealth,
  SloStatus,
  SpanRecord,
  TraceBatch,
} from './service-health/index.ts';
export {
  getServiceHealth,
  getServiceSeries,
  healthWindowRetention,
  incidentTraceRoutes,
  listIncidentTraces,
  registerServiceHealth,
  serviceRoutes,
  sloRoutes,
  spanRetention,
} from './service-health/index.ts';
export type { TimelineEvent } from './timeline/index.ts';
export {
  addEvidence,
  appendTimelineEvent,
  EvidenceInput,
  findLatestEvent,
  listEvidence,
  listRecentTimeline,
  listTimeline,
  parseTimelineAnnouncement,
  TIMELINE_CHANNEL,
} from './timeline/index.ts';
export { TransitionInput, transitionPhase } from './transition-phase.ts';
