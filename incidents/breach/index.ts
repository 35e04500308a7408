// The breach part's surface (re-exported from incidents/index.ts).
export { getBreachStatus } from './get-breach-status.ts';
export type { PublicNotice } from './notices/index.ts';
export {
  approveNotice,
  DraftNoticeInput,
  draftNotice,
  EditNoticeInput,
  editNotice,
  getPublicNotice,
  SendNoticeInput,
  sendNotice,
} from './notices/index.ts';
export { startIdentificationClocks } from './obligations/index.ts';
export { BUILT_IN_REGIMES } from './regimes/index.ts';
export { registerBreach } from './register-breach.ts';
export { buildComplianceReport } from './reports/index.ts';
export { breachRoutes, regimeRoutes } from './routes.ts';
