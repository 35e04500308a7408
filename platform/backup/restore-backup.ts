import { existsSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { auditKeysFrom } from '../audit/audit-key.ts';
import type { AuditVerification } from '../audit/index.ts';
import { verifyAuditChain } from '../audit/index.ts';
import { SECRET_KEY_FILE } from '../auth/secret-box.ts';
import type { Config } from '../config.ts';
import type { Database, DatabaseHandle } from '../database/index.ts';
import { queryRows, runMigrations } from '../database/index.ts';
import type { BackupManifest } from './backup-format.ts';
import { BackupFileError } from './backup-format.ts';
import { columnsOf, TABLES_NOT_BACKED_UP, tablesInDependencyOrder } from './catalog.ts';
import { knownMigrationHashes, migrateToLevel } from './migrate-to-level.ts';
import { scanBackup } from './read-backup.ts';

type KeyConfig = Pick<Config, 'FIREBREAK_SECRET_KEY' | 'FIREBREAK_SECRET_KEY_PREVIOUS' | 'dataDirectory'>;

/** Why a restore does not start (a target holding data, a key missing); nothing was written. */
export class RestoreRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreRefusedError';
  }
}

export interface RestoreOptions {
  /** Replace a target that holds data: its schemas public and drizzle are dropped, after the backup is verified. */
  force?: boolean;
  /** Progress lines for the operator. */
  log?: (line: string) => void;
}

export interface RestoreResult {
  manifest: BackupManifest;
  /** Rows per table in the target after the restore, in the backup's order. */
  counts: { name: string; expected: number; found: number }[];
  audit: AuditVerification;
  /** Rows the target held that --force replaced (0 when it was empty). */
  replacedRows: number;
}

/**
 * Restores a backup into the database of `handle`: verifies the file whole first (nothing is written
 * from a damaged one), checks that the audit keys its chain is signed with are at hand, refuses a
 * target that holds data unless forced, applies migrations up to the backup's level, loads every
 * table in one transaction, sets the sequences, applies the remaining migrations, and verifies the
 * audit chain and the row counts.
 */
export async function restoreBackup(
  handle: DatabaseHandle,
  file: string,
  config: KeyConfig,
  options: RestoreOptions = {},
): Promise<RestoreResult> {
  const log = options.log ?? (() => undefined);
  const manifest = await scanBackup(file);
  log(`backup verified: ${manifest.tables.length} tables, made ${manifest.createdAt} on ${manifest.source.database}`);
  checkMigrationLevel(manifest);
  checkAuditKeys(manifest, config);

  const held = await rowsHeld(handle.db);
  if (held.total > 0 && !options.force) {
    const largest = held.tables
      .sort((a, b) => b.rows - a.rows)
      .slice(0, 3)
      .map((table) => `${table.name}: ${table.rows}`)
      .join(', ');
    throw new RestoreRefusedError(
      `The target database is not empty: it holds ${held.total} rows (${largest}, …). Restore into an empty data directory or database, or add --force to drop what it holds.`,
    );
  }
  if (held.total > 0 || held.schemaExists) await dropFirebreakSchemas(handle.db);
  await migrateToLevel(handle, manifest.migrations.level);
  await checkColumns(handle.db, manifest);

  await handle.db.transaction(async (tx) => {
    await scanBackup(file, {
      onRows: (table, lines) => insertRows(tx, table, lines),
    });
    for (const sequence of manifest.sequences) {
      await tx.execute(
        sql`select setval(pg_get_serial_sequence(${`public.${sequence.table}`}, ${sequence.column}), ${sequence.lastValue}::bigint, ${sequence.isCalled})`,
      );
    }
  });
  await runMigrations(handle);

  const counts: RestoreResult['counts'] = [];
  for (const table of manifest.tables) {
    const [row] = await queryRows<{ rows: number }>(handle.db, sql`select count(*)::int as rows from ${sql.identifier(table.name)}`);
    counts.push({ name: table.name, expected: table.rows, found: row?.rows ?? 0 });
  }
  const audit = await verifyAuditChain(handle.db, config);
  return { manifest, counts, audit, replacedRows: held.total };
}

function checkMigrationLevel(manifest: BackupManifest): void {
  const known = knownMigrationHashes();
  const { level, lastHash } = manifest.migrations;
  if (level > known.length) {
    throw new RestoreRefusedError(
      `The backup was made by a newer Firebreak (${level} migrations; this one knows ${known.length}). Restore it with that version or a later one.`,
    );
  }
  if (level > 0 && known[level - 1] !== lastHash) {
    throw new RestoreRefusedError(`The backup's migration ${level} is not this build's: it was made by a different build of Firebreak.`);
  }
}

function checkAuditKeys(manifest: BackupManifest, config: KeyConfig): void {
  if (!manifest.auditKeyIds.length) return;
  const named = manifest.auditKeyIds.join(', ');
  // Without either, deriving the keys would make a new secret.key, under which nothing of the chain verifies.
  if (!config.FIREBREAK_SECRET_KEY && !existsSync(path.join(config.dataDirectory, SECRET_KEY_FILE))) {
    throw new RestoreRefusedError(
      `The backup's audit trail is signed with audit key ${named}, derived from the source's secret key. Copy the source's ${SECRET_KEY_FILE} into ${config.dataDirectory}, or set FIREBREAK_SECRET_KEY to the key it holds, then restore again.`,
    );
  }
  const have = new Set(auditKeysFrom(config).all.map((key) => key.id));
  const missing = manifest.auditKeyIds.filter((id) => !have.has(id));
  if (missing.length) {
    throw new RestoreRefusedError(
      `The backup's audit trail is signed with audit key ${missing.join(', ')}, which neither FIREBREAK_SECRET_KEY (or ${SECRET_KEY_FILE} in DATA_DIR) nor FIREBREAK_SECRET_KEY_PREVIOUS gives. Use the source's secret key, then restore again.`,
    );
  }
}

async function rowsHeld(db: Database): Promise<{ total: number; tables: { name: string; rows: number }[]; schemaExists: boolean }> {
  const tables: { name: string; rows: number }[] = [];
  const names = await tablesInDependencyOrder(db);
  for (const name of names) {
    const [row] = await queryRows<{ rows: number }>(db, sql`select count(*)::int as rows from ${sql.identifier(name)}`);
    if (row?.rows) tables.push({ name, rows: row.rows });
  }
  const [drizzle] = await queryRows<{ found: boolean }>(db, sql`select to_regclass('drizzle.__drizzle_migrations') is not null as found`);
  return { total: tables.reduce((sum, table) => sum + table.rows, 0), tables, schemaExists: names.length > 0 || Boolean(drizzle?.found) };
}

/** Empties the target: a restore starts from no schema at all, so that its own migrations build it. */
async function dropFirebreakSchemas(db: Database): Promise<void> {
  await db.execute(sql`drop schema if exists drizzle cascade`);
  await db.execute(sql`drop schema if exists public cascade`);
  await db.execute(sql`create schema public`);
}

async function checkColumns(db: Database, manifest: BackupManifest): Promise<void> {
  for (const table of manifest.tables) {
    if (TABLES_NOT_BACKED_UP.has(table.name)) continue;
    const columns = await columnsOf(db, table.name);
    const missing = table.columns.filter((column) => !columns.includes(column));
    if (!columns.length || missing.length) {
      throw new BackupFileError(
        columns.length
          ? `table ${table.name} of the backup has columns (${missing.join(', ')}) that its migration level does not make: the file was changed`
          : `table ${table.name} of the backup does not exist at its migration level: the file was changed`,
      );
    }
  }
}

async function insertRows(tx: Database, table: string, lines: string[]): Promise<void> {
  // The rows stay the database's own JSON text: json_populate_recordset turns each back into the table's types.
  const target = sql.identifier(table);
  await tx.execute(sql`insert into ${target} select * from json_populate_recordset(null::${target}, ${`[${lines.join(',')}]`}::json)`);
}
