import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Config, DatabaseHandle } from '../../platform/index.ts';
import {
  APPEND_ONLY_TABLES,
  ConflictError,
  FIREBREAK_VERSION,
  InvalidInputError,
  queryRows,
  statementKeyFrom,
} from '../../platform/index.ts';
import { EXPORT_KIND_NAMES, EXPORT_TABLES, manifestHash, verifyExport } from '../data-export/index.ts';
import type { PurgeStatement } from './purge-statement.ts';
import { writeSignedStatement } from './purge-statement.ts';

export interface PurgeInput {
  /** Must equal BREACH_ORGANIZATION_NAME: typing it is the confirmation. */
  confirm: string;
  /** The final export's directory: complete, verified, and taken after the last write. */
  exportDirectory: string;
  /** Where the signed statement goes (default EXPORT_DIR/purge-statement.json). */
  statementFile?: string;
  purgedBy: string;
  now?: () => Date;
}

// Columns that record when a row was written or changed: a value after the export began means the export lacks it.
const WRITE_TIME_COLUMNS = ['created_at', 'updated_at', 'recorded_at', 'at', 'edited_at', 'assigned_at', 'released_at', 'completed_at'];

function confirmOrganisation(config: Pick<Config, 'BREACH_ORGANIZATION_NAME'>, confirm: string): string {
  const name = config.BREACH_ORGANIZATION_NAME;
  if (!name)
    throw new ConflictError(
      'Purging needs the organisation to confirm with: set BREACH_ORGANIZATION_NAME (the name the breach letters carry) and give it to --confirm.',
      'not_configured',
    );
  if (confirm.trim() !== name)
    throw new InvalidInputError(`--confirm must be the organisation's name exactly as BREACH_ORGANIZATION_NAME gives it ("${name}").`);
  return name;
}

async function backupFiles(directory: string): Promise<{ name: string; bytes: number }[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true }).catch(() => []);
  const files: { name: string; bytes: number }[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files.push({ name: path.relative(directory, full), bytes: (await stat(full)).size });
  }
  return files.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Deletes every row of every table and every backup, once the final export is verified and nothing
 * was written since it began, and writes a statement of what was deleted, signed with the install's
 * statement key. The tables are locked, checked against the export and emptied in one transaction.
 */
export async function purgeInstall(
  handle: DatabaseHandle,
  config: Config,
  input: PurgeInput,
): Promise<{ statement: PurgeStatement; file: string }> {
  const now = input.now ?? (() => new Date());
  const organisation = confirmOrganisation(config, input.confirm);
  const exportDirectory = path.resolve(input.exportDirectory);
  const verification = await verifyExport(exportDirectory);
  const manifest = verification.manifest;
  if (!verification.ok || !manifest?.completedAt)
    throw new ConflictError(
      `The final export in ${exportDirectory} does not verify: ${verification.problems.join('; ')}.`,
      'export_required',
    );
  const missing = EXPORT_KIND_NAMES.filter((kind) => !manifest.requestedKinds.includes(kind));
  if (missing.length)
    throw new ConflictError(
      `The export in ${exportDirectory} lacks ${missing.join(', ')}: a final export holds every kind.`,
      'export_required',
    );
  const key = statementKeyFrom(config);
  const manifestSha256 = await manifestHash(exportDirectory);

  const tables = await handle.db.transaction(async (tx) => {
    const names = (
      await queryRows<{ tablename: string }>(tx, sql`select tablename from pg_tables where schemaname = 'public' order by tablename`)
    ).map((row) => row.tablename);
    const identifiers = sql.join(
      names.map((name) => sql.identifier(name)),
      sql`, `,
    );
    // Nobody writes between the check and the delete.
    await tx.execute(sql`lock table ${identifiers} in access exclusive mode`);
    const counted: { table: string; rows: number }[] = [];
    for (const table of names) {
      const [row] = await queryRows<{ rows: number }>(tx, sql`select count(*)::int as rows from ${sql.identifier(table)}`);
      counted.push({ table, rows: Number(row?.rows ?? 0) });
    }
    for (const kind of EXPORT_KIND_NAMES) {
      for (const spec of EXPORT_TABLES[kind]) {
        const exported = manifest.kinds[kind]?.files.find((file) => file.path === path.join(kind, `${spec.file}.ndjson`))?.rows;
        const rows = counted.find((entry) => entry.table === spec.table)?.rows ?? 0;
        if (exported !== rows)
          throw new ConflictError(
            `${spec.table} has ${rows} rows, the export ${exported ?? 'none'}: export again (into an empty directory) and purge with that one.`,
            'export_required',
          );
        const latest = await latestWrite(tx, spec.table);
        if (latest && latest >= new Date(manifest.startedAt))
          throw new ConflictError(
            `${spec.table} was written at ${latest.toISOString()}, after the export began (${manifest.startedAt}): export again (into an empty directory) and purge with that one.`,
            'export_required',
          );
      }
    }
    // The append-only guards refuse TRUNCATE; the owner lifts them for this one statement, inside the transaction.
    for (const table of APPEND_ONLY_TABLES)
      await tx.execute(sql`alter table ${sql.identifier(table)} disable trigger ${sql.identifier(`${table}_no_truncate`)}`);
    await tx.execute(sql`truncate table ${identifiers} restart identity cascade`);
    for (const table of APPEND_ONLY_TABLES)
      await tx.execute(sql`alter table ${sql.identifier(table)} enable trigger ${sql.identifier(`${table}_no_truncate`)}`);
    return counted;
  });

  const backups = await backupFiles(config.backupDirectory);
  for (const file of backups) await rm(path.join(config.backupDirectory, file.name), { force: true });

  const statement: PurgeStatement = {
    format: 'firebreak-purge-statement/1',
    organisation,
    purgedAt: now().toISOString(),
    purgedBy: input.purgedBy,
    firebreakVersion: FIREBREAK_VERSION,
    database: { kind: handle.kind, tables, rowsDeleted: tables.reduce((sum, table) => sum + table.rows, 0) },
    backups: { directory: config.backupDirectory, files: backups },
    export: { directory: exportDirectory, manifestSha256, startedAt: manifest.startedAt, completedAt: manifest.completedAt },
    publicKeyFingerprint: key.fingerprint,
  };
  const file = path.resolve(input.statementFile ?? path.join(exportDirectory, 'purge-statement.json'));
  await writeSignedStatement(file, statement, key);
  return { statement, file };
}

/** The latest write-time value of a table, over the columns of WRITE_TIME_COLUMNS it has. */
async function latestWrite(tx: Parameters<typeof queryRows>[0], table: string): Promise<Date | null> {
  const columns = (
    await queryRows<{ column_name: string }>(
      tx,
      sql`select column_name from information_schema.columns where table_schema = 'public' and table_name = ${table}`,
    )
  )
    .map((row) => row.column_name)
    .filter((column) => WRITE_TIME_COLUMNS.includes(column));
  if (!columns.length) return null;
  const greatest = sql.join(
    columns.map((column) => sql`max(${sql.identifier(column)})`),
    sql`, `,
  );
  const [row] = await queryRows<{ epoch: number | string | null }>(
    tx,
    sql`select extract(epoch from greatest(${greatest}))::float8 as epoch from ${sql.identifier(table)}`,
  );
  return row?.epoch === null || row?.epoch === undefined ? null : new Date(Number(row.epoch) * 1000);
}
