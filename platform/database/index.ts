export { openDatabase, queryRows } from './client.ts';
export type { Database, DatabaseHandle, DatabaseKind, DatabaseOptions } from './client.ts';
export { runMigrations, migrationStatus, MIGRATIONS_FOLDER } from './migrate.ts';
export { lockEmbeddedDatabase, EmbeddedDatabaseBusyError } from './embedded-lock.ts';
export { epochMs, planGenerically, preparedStatement } from './prepared.ts';
export type { PreparedStatement } from './prepared.ts';
