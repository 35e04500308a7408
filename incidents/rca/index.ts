// The rca room's surface: what other rooms and parts use of it.
export { ApproveRcaInput, approveRca } from './approve-rca.ts';
export { eraseSubjectFromRcas } from './erase-from-rca.ts';
export { findRca, getRca } from './get-rca.ts';
export { RcaInput } from './rca-input.ts';
export { rcaRoutes } from './routes.ts';
export type { RootCauseAnalysis } from './schema/root-cause-analyses.ts';
export { writeRca } from './write-rca.ts';
