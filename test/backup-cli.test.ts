import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { verifyExport } from '../incidents/index.ts';
import type { DatabaseHandle } from '../platform/index.ts';
import { createLogger, loadConfig, openDatabase, queryRows, scanBackup } from '../platform/index.ts';
import { createFirebreak } from '../server.ts';
import { FIREBREAK_BIN, firebreakCli } from './cli-process.ts';
import { TEST_ADMIN_TOKEN } from './harness/app.ts';
import { createEmptyPostgresDatabase, databaseBackends } from './harness/database.ts';
import type { TokenRequest } from './harness/install-clients.ts';
import { ingestAlerts, populateInstall } from './harness/install-clients.ts';

const BASE_ENV = { LOG_LEVEL: 'silent', FIREBREAK_BOOTSTRAP_TOKEN: TEST_ADMIN_TOKEN, PUBLIC_URL: 'http://firebreak.test' };

/** `firebreak serve` in a child process; resolves with its URL once it listens. */
async function serveInChild(env: Record<string, string>) {
  const child = spawn(process.execPath, [FIREBREAK_BIN, 'serve'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_FORMAT: 'pretty', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/Firebreak is running at (http:\/\/127\.0\.0\.1:\d+)\n/);
      if (match?.[1]) resolve(match[1]);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    void exited.then(() => reject(new Error(`serve ended before it listened: ${output}`)));
  });
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function clientOf(base: string, token: string): TokenRequest {
  return (method, route, json) =>
    fetch(`${base}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
}

/** Alerts arriving one batch after another until stopped; answers how many batches were acknowledged. */
function keepIngesting(ingest: TokenRequest, first: number) {
  let stopped = false;
  let acknowledged = 0;
  const loop = (async () => {
    for (let index = first; !stopped; index++) {
      await ingestAlerts(ingest, index, 2);
      acknowledged++;
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return acknowledged;
    },
  };
}

/** Rows in every table of the database but `backups` (which lists one machine's files, and is not backed up). */
async function rowCounts(handle: DatabaseHandle): Promise<Record<string, number>> {
  const tables = await queryRows<{ name: string }>(
    handle.db,
    sql`select tablename as name from pg_tables where schemaname = 'public' and tablename <> 'backups' order by tablename`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await queryRows<{ rows: number }>(handle.db, sql`select count(*)::int as rows from ${sql.identifier(name)}`);
    counts[name] = row?.rows ?? 0;
  }
  return counts;
}

/** The tables and row counts the backup's manifest lists. */
async function backupCounts(file: string): Promise<Record<string, number>> {
  const manifest = await scanBackup(file);
  return Object.fromEntries(manifest.tables.map((table) => [table.name, table.rows]));
}

/** restore into the target, again (refused: not empty), then audit verify there: three CLI runs. */
async function restoreAndCheck(file: string, env: Record<string, string>) {
  const restored = await firebreakCli(['restore', file], env);
  expect(restored.stderr).toBe('');
  expect(restored.code, restored.stdout).toBe(0);
  expect(restored.stdout).toMatch(/^restored \d+ rows in \d+ tables into /m);
  expect(restored.stdout).not.toContain('MISMATCH');
  expect(restored.stdout).toMatch(/^audit chain intact: [1-9]\d* entries$/m);

  const again = await firebreakCli(['restore', file], env);
  expect(again.code).toBe(1);
  expect(again.stderr.trim().split('\n')).toHaveLength(1);
  expect(again.stderr).toMatch(/not empty: it holds \d+ rows .*add --force/);

  const verified = await firebreakCli(['audit', 'verify'], env);
  expect(verified.code, verified.stdout + verified.stderr).toBe(0);
  expect(verified.stdout).toMatch(/^audit chain intact: [1-9]\d* entries/m);
}

describe('firebreak backup and restore as commands, on the embedded database', () => {
  it('backs up through the running server while alerts arrive, exports through it, restores into an empty DATA_DIR', {
    timeout: 480_000,
  }, async () => {
    const source = await mkdtemp(path.join(tmpdir(), 'firebreak-backup-cli-'));
    const target = await mkdtemp(path.join(tmpdir(), 'firebreak-restore-cli-'));
    const work = await mkdtemp(path.join(tmpdir(), 'firebreak-backup-out-'));
    const file = path.join(work, 'install.backup.gz');
    const exportDirectory = path.join(work, 'export');
    const server = await serveInChild({ ...BASE_ENV, LOG_LEVEL: 'info', DATA_DIR: source, PORT: '0', BREACH_ORGANIZATION_NAME: 'Acme' });
    try {
      const admin = clientOf(server.url, TEST_ADMIN_TOKEN);
      const created = (await (await admin('POST', '/api/tokens', { name: 'prometheus', role: 'ingest' })).json()) as { token: string };
      const ingest = clientOf(server.url, created.token);
      await populateInstall({ admin, ingest }, { batches: 4, declared: 2 });

      // The CLI cannot open the embedded database the server holds: it asks the server, with the admin token.
      const cliEnv = { DATA_DIR: source, FIREBREAK_TOKEN: TEST_ADMIN_TOKEN };
      const arriving = keepIngesting(ingest, 1000);
      const backup = await firebreakCli(['backup', '--out', file], cliEnv);
      expect(await arriving.stop()).toBeGreaterThan(0);
      const exported = await firebreakCli(['export', '--out', exportDirectory], cliEnv);
      expect(backup.stderr).toBe('');
      expect(backup.stdout).toMatch(/^backup written to .*install\.backup\.gz and verified: \d+ rows in \d+ tables/m);
      expect(backup.stdout).toMatch(/signed with audit key \w+: keep the secret key/);
      // The server made it, so it is also listed in its BACKUP_DIR.
      expect(await readdir(path.join(source, 'backups'))).toEqual(
        expect.arrayContaining([expect.stringMatching(/^firebreak-backup-.*-manual\.gz$/)]),
      );
      expect(exported.stderr).toBe('');
      expect(exported.stdout).toMatch(/^alerts\twritten\t[1-9]\d* records in 2 files$/m);
      const verification = await verifyExport(exportDirectory);
      expect(verification.problems).toEqual([]);
    } finally {
      await server.stop();
    }

    // The restoring side needs the audit key: the source's secret.key, as docs/operations.md says.
    await copyFile(path.join(source, 'secret.key'), path.join(target, 'secret.key'));
    await restoreAndCheck(file, { DATA_DIR: target });
    const expected = await backupCounts(file);
    expect(expected.alerts).toBeGreaterThanOrEqual(20);
    const restored = await openDatabase({ dataDirectory: target });
    try {
      expect(await rowCounts(restored)).toEqual(expected);
    } finally {
      await restored.close();
    }
  });
});

describe.runIf(databaseBackends.includes('postgres'))('firebreak backup and restore as commands, on Postgres', () => {
  it('backs up the database a running service writes to, restores into an empty database', { timeout: 300_000 }, async () => {
    const source = await createEmptyPostgresDatabase();
    const target = await createEmptyPostgresDatabase();
    const dataDirectory = await mkdtemp(path.join(tmpdir(), 'firebreak-backup-cli-pg-'));
    const file = path.join(dataDirectory, 'install.backup.gz');
    try {
      const firebreak = await createFirebreak(loadConfig({ ...BASE_ENV, DATA_DIR: dataDirectory, DATABASE_URL: source.url }), {
        logger: createLogger('silent'),
      });
      try {
        const as =
          (token: string): TokenRequest =>
          (method, route, json) =>
            Promise.resolve(
              firebreak.app.request(route, {
                method,
                headers: { authorization: `Bearer ${token}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
                body: json === undefined ? undefined : JSON.stringify(json),
              }),
            );
        const admin = as(TEST_ADMIN_TOKEN);
        const created = (await (await admin('POST', '/api/tokens', { name: 'prometheus', role: 'ingest' })).json()) as { token: string };
        const ingest = as(created.token);
        await populateInstall({ admin, ingest }, { batches: 4, declared: 2 });

        // On Postgres the command reads the database itself (its own SQL, no pg_dump) while the service writes.
        const arriving = keepIngesting(ingest, 1000);
        const backup = await firebreakCli(['backup', '--out', file], { DATA_DIR: dataDirectory, DATABASE_URL: source.url });
        expect(await arriving.stop()).toBeGreaterThan(0);
        expect(backup.stderr).toBe('');
        expect(backup.stdout).toMatch(/^backup written to .*install\.backup\.gz and verified: \d+ rows in \d+ tables/m);
      } finally {
        await firebreak.close();
      }

      // DATA_DIR holds the source's secret.key, which signs the audit chain.
      await restoreAndCheck(file, { DATA_DIR: dataDirectory, DATABASE_URL: target.url });
      const expected = await backupCounts(file);
      expect(expected.alerts).toBeGreaterThanOrEqual(20);
      const restored = await openDatabase({ url: target.url, poolSize: 1 });
      try {
        expect(await rowCounts(restored)).toEqual(expected);
      } finally {
        await restored.close();
      }
    } finally {
      await source.drop();
      await target.drop();
    }
  });
});
