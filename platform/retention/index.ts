export type { RetentionClass, RetentionRule } from './retention-class.ts';
export type { RetentionOptions } from './retention-job.ts';
export { enforceRetention, RETENTION_JOB, registerRetention } from './retention-job.ts';
export { warnAboutShortRetention } from './short-retention-warning.ts';
