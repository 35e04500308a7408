export { recordAudit, hashAuditEntry, GENESIS_HASH } from './record-audit.ts';
export type { AuditContext, AuditInput } from './record-audit.ts';
export { verifyAuditChain } from './verify-audit.ts';
export type { AuditProblem, AuditVerification } from './verify-audit.ts';
export { listAuditEntries, AuditQuery } from './list-audit.ts';
export type { AuditEntry } from '../schema/audit-entries.ts';
