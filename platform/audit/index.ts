export type { AuditEntry } from '../schema/audit-entries.ts';
export { AuditCheckpoint, AuditCheckpointError, createAuditCheckpoint, parseAuditCheckpoint } from './checkpoint.ts';
export { AuditQuery, listAuditEntries } from './list-audit.ts';
export { auditRetention, latestPruneAnchor } from './prune-audit.ts';
export type { AuditContext, AuditInput } from './record-audit.ts';
export { GENESIS_HASH, hashAuditEntry, recordAudit } from './record-audit.ts';
export { AUDIT_CHECKPOINT_JOB, registerAuditCheckpoints } from './scheduled-checkpoint.ts';
export type { AuditProblem, AuditVerification, VerifyOptions } from './verify-audit.ts';
export { verifyAuditChain } from './verify-audit.ts';
