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
  it('backs up while alerts arrive, and restores into an empty database with the same rows and an intact audit chain', async ({
    firebreak,
  }) => {
    const clients = await testInstallClients(firebreak);
    await populateInstall(clients, { batches: 4, declared: 2 });
    const directory = await mkdtemp(path.join(tmpdir(), 'firebreak-backup-'));
    const file = path.join(directory, 'install.backup.gz');

    // Alerts arrive while the backup reads its snapshot.
    const ingest = Promise.all(Array.from({ length: 6 }, (_, index) => ingestAlerts(clients.ingest, 100 + index, 3)));
    const written = await writeBackup(firebreak.database, file);
    await ingest;
    const counted = Object.fromEntries(written.manifest.tables.map((table) => [table.name, table.rows]));
    expect(counted.incidents).toBeGreaterThanOrEqual(6);
    expect(counted.alerts).toBeGreaterThanOrEqual(20);
    expect(counted.audit_entries).toBeGreaterThan(0);
    expect(counted.timeline_events).toBeGreaterThan(0);
    expect(counted).not.toHaveProperty('backups');
    // One moment of the database: an incident row for every alert that points at one.
    const text = gunzipSync(await readFile(file)).toString('utf8');
    const incidentIds = new Set(
      text
        .split('\n')
        .filter((line) => line.startsWith('{') && line.includes('"phase"'))
        .map((line) => (JSON.parse(line) as { id: string }).id),
    );
    const alertIncidents = text
      .split('\n')
      .filter((line) => line.startsWith('{') && line.includes('"fingerprint"'))
      .map((line) => (JSON.parse(line) as { incident_id: string | null }).incident_id)
      .filter((id) => id !== null);
    expect(alertIncidents.every((id) => incidentIds.has(id))).toBe(true);

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
