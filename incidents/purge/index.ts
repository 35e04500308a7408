// The purge room's surface: deleting everything at contract end, and the signed statement that says so.
export type { PurgeInput } from './purge-install.ts';
export { purgeInstall } from './purge-install.ts';
export type { PurgeStatement, StatementCheck } from './purge-statement.ts';
export { checkPurgeStatement, statementFiles } from './purge-statement.ts';
