// The breach part's surface (re-exported from incidents/index.ts).
export { getBreachStatus } from './get-breach-status.ts';
export { DraftNoticeInput, EditNoticeInput, SendNoticeInput, approveNotice, draftNotice, editNotice, getPublicNotice, sendNotice } from './notices/index.ts';
export type { PublicNotice } from './notices/index.ts';
export { BUILT_IN_REGIMES } from './regimes/index.ts';
export { registerBreach } from './register-breach.ts';
export { buildComplianceReport } from './reports/index.ts';
export { breachRoutes, regimeRoutes } from './routes.ts';
export { startIdentificationClocks } from './obligations/index.ts';
