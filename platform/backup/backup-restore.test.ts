import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Backend } from '../../test/harness/database.ts';
import { createEmptyPostgresDatabase } from '../../test/harness/database.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import { ingestAlerts, populateInstall, testInstallClients } from '../../test/harness/install-clients.ts';
import type { DatabaseHandle } from '../database/index.ts';
import { openDatabase, queryRows } from '../database/index.ts';
import { BackupFileError } from './backup-format.ts';
import { RestoreRefusedError, restoreBackup } from './restore-backup.ts';
import { writeBackup } from './write-backup.ts';

/** An empty, unmigrated database on the backend: PGlite in memory, or a new database on the Postgres server. */
async function emptyDatabase(backend: Backend): Promise<DatabaseHandle> {
  if (backend === 'pglite') return openDatabase({});
  const created = await createEmptyPostgresDatabase();
  const handle = await openDatabase({ url: created.url, poolSize: 2 });
  return {
    ...handle,
    async close() {
      await handle.close();
      await created.drop();
    },
  };
}

/** Batches of alerts streamed in while the backup runs. */
const STREAM_BATCHES = 300;

/** The rows of each table in a backup's text, as objects. */
function backupTables(text: string): Map<string, Record<string, unknown>[]> {
  const tables = new Map<string, Record<string, unknown>[]>();
  let rows: Record<string, unknown>[] | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('#table ')) {
      rows = [];
      tables.set((JSON.parse(line.slice('#table '.length)) as { name: string }).name, rows);
    } else if (line.startsWith('#')) rows = null;
    else if (line && rows) rows.push(JSON.parse(line) as Record<string, unknown>);
  }
  return tables;
}

async function countRows(handle: DatabaseHandle, table: string): Promise<number> {
  const [row] = await queryRows<{ rows: number }>(handle.db, sql`select count(*)::int as rows from ${sql.identifier(table)}`);
  return row?.rows ?? 0;
}

async function tableNames(handle: DatabaseHandle): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    handle.db,
    sql`select tablename as name from pg_tables where schemaname = 'public' order by tablename`,
  );
  return rows.map((row) => row.name);
}

describeOnBackends('backup and restore', (backend) => {
  it('backs up while alerts keep arriving: one moment of the database, restored with the same rows and an intact audit chain', {
    timeout: 300_000,
  }, async ({ firebreak }) => {
    const clients = await testInstallClients(firebreak);
    await populateInstall(clients, { batches: 4, declared: 2 });
    const directory = await mkdtemp(path.join(tmpdir(), 'firebreak-backup-'));
    const file = path.join(directory, 'install.backup.gz');

    // A steady stream through the HTTP app: batch FIRST+i is posted once batch FIRST+i-1 is acknowledged,
    // so what is committed at any moment is batches FIRST..FIRST+k-1 for some k, each whole.
    const FIRST = 1000;
    let started = 0;
    let acknowledged = 0;
    let backupDone = false;
    let afterBackup = 0;
    let failed = false;
    const stream = (async () => {
      while (!failed && (started < STREAM_BATCHES || afterBackup < 20)) {
        started++;
        await ingestAlerts(clients.ingest, FIRST + started - 1, 2);
        acknowledged++;
        if (backupDone) afterBackup++;
        // A request over a socket arrives as an I/O event, on a new turn of the event loop. In process,
        // against PGlite in memory, a request and its answer are promises alone: without this turn the
        // stream is one endless chain of them, and no timer or file operation (the backup's) ever runs.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    while (acknowledged < STREAM_BATCHES / 3) await new Promise((resolve) => setTimeout(resolve, 20));
    const acknowledgedBefore = acknowledged;
    const written = await writeBackup(firebreak.database, file).catch(async (error: unknown) => {
      failed = true;
      await stream;
      throw error;
    });
    const startedBeforeEnd = started;
    backupDone = true;
    await stream;
    expect(acknowledged).toBeGreaterThanOrEqual(STREAM_BATCHES);

    const tables = backupTables(gunzipSync(await readFile(file)).toString('utf8'));
    const incidentIds = new Set(tables.get('incidents')?.map((row) => row.id));
    const alerts = tables.get('alerts') ?? [];
    // Every alert that points at an incident finds it, every timeline entry its incident.
    expect(alerts.filter((alert) => alert.incident_id !== null && !incidentIds.has(alert.incident_id as string))).toEqual([]);
    expect((tables.get('timeline_events') ?? []).filter((event) => !incidentIds.has(event.incident_id as string))).toEqual([]);
    // The streamed batches in the backup: whole, a prefix of the stream, at least what was acknowledged
    // before the backup began and at most what had been sent before it ended.
    const perBatch = new Map<number, number>();
    for (const alert of alerts) {
      const batch = Number((alert.labels as { service: string }).service.replace('svc-', ''));
      if (batch >= FIRST) perBatch.set(batch, (perBatch.get(batch) ?? 0) + 1);
    }
    const batches = [...perBatch.keys()].sort((a, b) => a - b);
    expect([...perBatch.values()].every((count) => count === 2)).toBe(true);
    expect(batches).toEqual(Array.from({ length: batches.length }, (_, index) => FIRST + index));
    expect(batches.length).toBeGreaterThanOrEqual(acknowledgedBefore);
    expect(batches.length).toBeLessThanOrEqual(startedBeforeEnd);
    // The audit trail of that moment: positions 1..n, none missing.
    const positions = (tables.get('audit_entries') ?? []).map((entry) => Number(entry.position)).sort((a, b) => a - b);
    expect(positions).toEqual(Array.from({ length: positions.length }, (_, index) => index + 1));
    const counted = Object.fromEntries(written.manifest.tables.map((table) => [table.name, table.rows]));
    expect(counted).not.toHaveProperty('backups');

    const target = await emptyDatabase(backend);
    try {
      const restored = await restoreBackup(target, file, firebreak.config);
      for (const table of written.manifest.tables) expect(await countRows(target, table.name), table.name).toBe(table.rows);
      expect(restored.counts.every((count) => count.found === count.expected)).toBe(true);
      expect(restored.audit.ok).toBe(true);
      expect(restored.audit.entries).toBe(counted.audit_entries);
      // Sequences go on after the restored rows: a new incident takes the next number.
      const [numbers] = await queryRows<{ highest: number; next: number }>(
        target.db,
        sql`select max(number)::int as highest, nextval(pg_get_serial_sequence('public.incidents', 'number'))::int as next from incidents`,
      );
      expect(numbers?.next).toBeGreaterThan(numbers?.highest ?? 0);
    } finally {
      await target.close();
    }
  });

  it('refuses a damaged backup, naming the problem, before writing anything', async ({ firebreak }) => {
    await populateInstall(await testInstallClients(firebreak), { batches: 2, declared: 1 });
    const directory = await mkdtemp(path.join(tmpdir(), 'firebreak-backup-'));
    const file = path.join(directory, 'good.backup.gz');
    await writeBackup(firebreak.database, file);
    const bytes = await readFile(file);

    const flipped = Buffer.from(bytes);
    const middle = Math.floor(flipped.length / 2);
    flipped.writeUInt8((flipped[middle] ?? 0) ^ 0xff, middle);
    const cut = bytes.subarray(0, Math.floor(bytes.length * 0.7));
    // Changed and compressed again: gzip's own checksum is right, only the table checksums can tell.
    const edited = gzipSync(
      gunzipSync(bytes)
        .toString('utf8')
        .replace(/"Declared 0: checkout slow"/, '"Declared 0: nothing happened"'),
    );
    const noManifest = gzipSync(
      gunzipSync(bytes)
        .toString('utf8')
        .replace(/#manifest .*\n$/, ''),
    );

    const cases: [string, Buffer, RegExp][] = [
      ['flipped', flipped, /damaged|was changed/],
      ['cut', cut, /cut short/],
      ['edited', edited, /table \w+ does not match its SHA-256 checksum: the file was changed/],
      ['no-manifest', noManifest, /cut short: it ends after \d+ tables, without the manifest/],
      ['not-gzip', Buffer.from('hello'), /not gzip data/],
    ];
    const target = await emptyDatabase(backend);
    try {
      for (const [name, content, message] of cases) {
        const damaged = path.join(directory, `${name}.backup.gz`);
        await writeFile(damaged, content);
        const refusal = await restoreBackup(target, damaged, firebreak.config).catch((error: unknown) => error);
        expect(refusal, name).toBeInstanceOf(BackupFileError);
        expect((refusal as Error).message, name).toMatch(message);
      }
      expect(await tableNames(target)).toEqual([]);
    } finally {
      await target.close();
    }
  });

  it('refuses a target that holds data unless forced, and then replaces it', async ({ firebreak }) => {
    await populateInstall(await testInstallClients(firebreak), { batches: 1, declared: 1 });
    const directory = await mkdtemp(path.join(tmpdir(), 'firebreak-backup-'));
    const file = path.join(directory, 'install.backup.gz');
    const written = await writeBackup(firebreak.database, file);

    const target = await emptyDatabase(backend);
    try {
      await restoreBackup(target, file, firebreak.config);
      await target.db.execute(
        sql`insert into silences (matchers, starts_at, ends_at, created_by, comment) values ('[]', now(), now() + interval '1 hour', 'test', 'added after the restore')`,
      );
      const refusal = await restoreBackup(target, file, firebreak.config).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(RestoreRefusedError);
      expect((refusal as Error).message).toMatch(/not empty: it holds \d+ rows .*--force/);

      const forced = await restoreBackup(target, file, firebreak.config, { force: true });
      expect(forced.replacedRows).toBeGreaterThan(0);
      expect(await countRows(target, 'silences')).toBe(0);
      expect(await countRows(target, 'incidents')).toBe(written.manifest.tables.find((table) => table.name === 'incidents')?.rows);
      expect(forced.audit.ok).toBe(true);
    } finally {
      await target.close();
    }
  });

  it('refuses to restore an audit chain whose key is not at hand', async ({ firebreak }) => {
    await populateInstall(await testInstallClients(firebreak), { batches: 1, declared: 1 });
    const directory = await mkdtemp(path.join(tmpdir(), 'firebreak-backup-'));
    const file = path.join(directory, 'install.backup.gz');
    const written = await writeBackup(firebreak.database, file);
    expect(written.manifest.auditKeyIds).toHaveLength(1);

    const elsewhere = await mkdtemp(path.join(tmpdir(), 'firebreak-restore-'));
    const target = await emptyDatabase(backend);
    try {
      const noKey = await restoreBackup(target, file, { dataDirectory: elsewhere }).catch((error: unknown) => error);
      expect((noKey as Error).message).toMatch(/Copy the source's secret.key into .*or set FIREBREAK_SECRET_KEY/);
      const wrongKey = await restoreBackup(target, file, { dataDirectory: elsewhere, FIREBREAK_SECRET_KEY: 'a'.repeat(64) }).catch(
        (error: unknown) => error,
      );
      expect((wrongKey as Error).message).toMatch(new RegExp(`audit key ${written.manifest.auditKeyIds[0]}, which neither`));
      expect(await tableNames(target)).toEqual([]);
    } finally {
      await target.close();
    }
  });
});
