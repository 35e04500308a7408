export type { Database, DatabaseHandle, DatabaseKind, DatabaseOptions } from './client.ts';
export { openDatabase, queryRows } from './client.ts';
export { EmbeddedDatabaseBusyError, lockEmbeddedDatabase } from './embedded-lock.ts';
export { isDataError, sqlStateOf, violatedConstraintOf } from './errors.ts';
export { runtimeRoleGrants } from './grants.ts';
export { APPEND_ONLY_TABLES, allowErasure, CHECKED_REFERENCES, MIGRATIONS_FOLDER, migrationStatus, runMigrations } from './migrate.ts';
export type { PreparedStatement } from './prepared.ts';
export { epochMs, fromEpochMs, KEPT_PLANS, planGenerically, preparedLookup, preparedStatement } from './prepared.ts';
