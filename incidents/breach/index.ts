// The breach part's surface (re-exported from incidents/index.ts).

export { RecordFactsInput, recordBreachFacts } from './assessment/index.ts';
export { breachRecordRetention } from './breach-retention.ts';
export { getBreachStatus } from './get-breach-status.ts';
export { MarkBreachInput, markBreach } from './mark-breach.ts';
export type { PublicNotice } from './notices/index.ts';
export {
  approveNotice,
  DraftNoticeInput,
  draftNotice,
  EditNoticeInput,
  editNotice,
  eraseSubjectFromNotices,
  getNotice,
  getPublicNotice,
  noticeMessageSettled,
  SendNoticeInput,
  sendNotice,
} from './notices/index.ts';
export {
  ApplyRegimeInput,
  applyRegime,
  DelayReasonInput,
  hasOpenObligation,
  openObligations,
  recordDelayReason,
  SubmitObligationInput,
  SuspendObligationInput,
  startIdentificationClocks,
  submitObligation,
  suspendObligation,
  WithdrawRegimeInput,
  withdrawRegime,
} from './obligations/index.ts';
export { BUILT_IN_REGIMES, listRegimes } from './regimes/index.ts';
export { registerBreach } from './register-breach.ts';
export { buildComplianceReport } from './reports/index.ts';
export { breachRoutes, regimeRoutes } from './routes.ts';
