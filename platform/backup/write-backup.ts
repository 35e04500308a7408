import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { KEYED_HASH_PREFIX } from '../audit/record-audit.ts';
import type { Database, DatabaseHandle } from '../database/index.ts';
import { queryRows } from '../database/index.ts';
import { FIREBREAK_VERSION } from '../version.ts';
import type { BackupHeader, BackupManifest, BackupSequence } from './backup-format.ts';
import { BACKUP_FORMAT, END_MARK, HEADER_MARK, MANIFEST_MARK, TABLE_MARK } from './backup-format.ts';
import { appliedMigrations, columnsOf, ownedSequences, tablesInDependencyOrder } from './catalog.ts';

// Rows fetched from the cursor at a time: memory stays flat whatever the size of a table.
const FETCH_ROWS = 1000;

export interface WrittenBackup {
  file: string;
  bytes: number;
  manifest: BackupManifest;
}

/**
 * Writes a consistent backup of the whole database into `file` (gzip'd, mode 0600): one REPEATABLE
 * READ READ ONLY transaction reads every table through a cursor, so the backup is one moment of the
 * database while writes go on. On PGlite (one connection) writes wait for the backup instead. The
 * file appears under its name only when complete; until then it is `file.partial`.
 *
 * `within`, on the embedded database only: a transaction that already holds its one connection (a
 * scheduled job's), read in a savepoint of it. Nothing else can write while it is open, so it too is
 * one moment of the database; opening a transaction of its own there would wait for it forever.
 */
export async function writeBackup(handle: DatabaseHandle, file: string, now: Date = new Date(), within?: Database): Promise<WrittenBackup> {
  if (within && handle.kind !== 'pglite') throw new Error('writeBackup reads inside a given transaction on the embedded database only');
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const partial = `${file}.partial`;
  let manifest: BackupManifest | undefined;
  const write = async (tx: Database) => {
    const header: BackupHeader = {
      format: BACKUP_FORMAT,
      createdAt: now.toISOString(),
      source: { database: handle.kind, firebreakVersion: FIREBREAK_VERSION },
      migrations: await appliedMigrations(tx),
    };
    await pipeline(
      Readable.from(
        backupLines(tx, header, (done) => {
          manifest = done;
        }),
      ),
      createGzip(),
      createWriteStream(partial, { mode: 0o600, flush: true }),
    );
  };
  try {
    if (within) await within.transaction(write);
    else await handle.db.transaction(write, { isolationLevel: 'repeatable read', accessMode: 'read only' });
    if (!manifest) throw new Error('the backup ended before its manifest was written');
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true }).catch(() => undefined);
    throw error;
  }
  return { file, bytes: (await stat(file)).size, manifest };
}

/** The lines of a backup, read inside the snapshot transaction; calls `finished` with the manifest before yielding it. */
async function* backupLines(tx: Database, header: BackupHeader, finished: (manifest: BackupManifest) => void): AsyncGenerator<string> {
  const content = createHash('sha256');
  const emit = (text: string) => {
    content.update(text);
    return text;
  };
  yield emit(`${HEADER_MARK}${JSON.stringify(header)}\n`);
  const tables: BackupManifest['tables'] = [];
  for (const name of await tablesInDependencyOrder(tx)) {
    const columns = await columnsOf(tx, name);
    yield emit(`${TABLE_MARK}${JSON.stringify({ name, columns })}\n`);
    const digest = createHash('sha256');
    let rows = 0;
    await tx.execute(sql`declare firebreak_backup no scroll cursor for select to_jsonb(t)::text as line from ${sql.identifier(name)} t`);
    for (;;) {
      const batch = await queryRows<{ line: string }>(tx, sql.raw(`fetch forward ${FETCH_ROWS} from firebreak_backup`));
      if (!batch.length) break;
      const text = `${batch.map((row) => row.line).join('\n')}\n`;
      digest.update(text);
      rows += batch.length;
      yield emit(text);
    }
    await tx.execute(sql`close firebreak_backup`);
    const end = { name, rows, sha256: digest.digest('hex') };
    tables.push({ ...end, columns });
    yield emit(`${END_MARK}${JSON.stringify(end)}\n`);
  }
  const manifest: BackupManifest = {
    ...header,
    tables,
    sequences: await sequenceValues(tx),
    auditKeyIds: tables.some((table) => table.name === 'audit_entries') ? await auditKeyIds(tx) : [],
    contentSha256: content.digest('hex'),
  };
  finished(manifest);
  yield `${MANIFEST_MARK}${JSON.stringify(manifest)}\n`;
}

async function sequenceValues(tx: Database): Promise<BackupSequence[]> {
  const values: BackupSequence[] = [];
  for (const owned of await ownedSequences(tx)) {
    const [state] = await queryRows<{ last_value: string; is_called: boolean }>(
      tx,
      sql`select last_value::text as last_value, is_called from ${sql.identifier(owned.sequence)}`,
    );
    if (state) values.push({ table: owned.table, column: owned.column, lastValue: state.last_value, isCalled: state.is_called });
  }
  return values;
}

async function auditKeyIds(tx: Database): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`select distinct split_part(substr(hash, ${KEYED_HASH_PREFIX.length + 1}), ':', 1) as id
        from audit_entries where starts_with(hash, ${KEYED_HASH_PREFIX}) order by 1`,
  );
  return rows.map((row) => row.id);
}
