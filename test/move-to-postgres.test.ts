import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createLogger, createToken, loadConfig, systemContext } from '../platform/index.ts';
import type { Firebreak } from '../server.ts';
import { createFirebreak } from '../server.ts';
import { TEST_ADMIN_TOKEN } from './harness/app.ts';
import { createEmptyPostgresDatabase, databaseBackends } from './harness/database.ts';
import { populateInstall } from './harness/install-clients.ts';

const run = promisify(execFile);
const cli = path.resolve(import.meta.dirname, '..', 'bin', 'firebreak.js');
const BASE_ENV = {
  LOG_LEVEL: 'silent',
  FIREBREAK_BOOTSTRAP_TOKEN: TEST_ADMIN_TOKEN,
  SCHEDULER_ENABLED: 'false',
  PUBLIC_URL: 'http://firebreak.test',
};

function as(firebreak: Firebreak, token: string) {
  return (method: string, route: string, json?: unknown) =>
    Promise.resolve(
      firebreak.app.request(route, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
        body: json === undefined ? undefined : JSON.stringify(json),
      }),
    );
}

/** What people read: the incident list, one incident, its timeline, the audit chain's verification. */
async function reads(firebreak: Firebreak) {
  const admin = as(firebreak, TEST_ADMIN_TOKEN);
  const list = (await (await admin('GET', '/api/incidents?limit=100')).json()) as { incidents: { id: string }[] };
  const first = list.incidents[0]?.id ?? '';
  return {
    list,
    incident: await (await admin('GET', `/api/incidents/${first}`)).json(),
    timeline: await (await admin('GET', `/api/incidents/${first}/timeline`)).json(),
    audit: await (await admin('GET', '/api/audit/verify')).json(),
  };
}

describe.runIf(databaseBackends.includes('postgres'))('firebreak move-to-postgres', () => {
  it('copies a populated embedded install into an empty Postgres database, where the API answers the same', async () => {
    const dataDirectory = await mkdtemp(path.join(tmpdir(), 'firebreak-move-'));
    const embedded = await createFirebreak(loadConfig({ ...BASE_ENV, DATA_DIR: dataDirectory }), { logger: createLogger('silent') });
    const ingest = await createToken(systemContext(embedded.database.db, embedded.config), { name: 'prometheus', role: 'ingest' });
    await populateInstall({ admin: as(embedded, TEST_ADMIN_TOKEN), ingest: as(embedded, ingest.token) }, { batches: 3, declared: 2 });
    const before = await reads(embedded);
    expect(before.list.incidents.length).toBeGreaterThanOrEqual(5);
    expect(before.audit).toMatchObject({ ok: true });
    await embedded.close();

    const database = await createEmptyPostgresDatabase();
    try {
      const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'silent', DATA_DIR: dataDirectory };
      const { stdout } = await run(process.execPath, [cli, 'move-to-postgres', '--to', database.url], { env });
      expect(stdout).toMatch(/audit chain intact: \d+ entries/);
      expect(stdout).toMatch(/every table holds as many rows in Postgres as in the embedded database/);
      expect(stdout).toContain(`DATABASE_URL=${database.url}`);
      expect(stdout).toMatch(/FIREBREAK_SECRET_KEY="\$\(cat .*secret\.key\)"/);

      // A replica elsewhere: no DATA_DIR of the embedded install, the secret key given instead.
      const key = (await readFile(path.join(dataDirectory, 'secret.key'), 'utf8')).trim();
      const elsewhere = await mkdtemp(path.join(tmpdir(), 'firebreak-replica-'));
      const onPostgres = await createFirebreak(
        loadConfig({ ...BASE_ENV, DATA_DIR: elsewhere, DATABASE_URL: database.url, FIREBREAK_SECRET_KEY: key }),
        { logger: createLogger('silent') },
      );
      try {
        expect(onPostgres.database.kind).toBe('postgres');
        expect(await reads(onPostgres)).toEqual(before);
      } finally {
        await onPostgres.close();
      }
      // The target is no longer empty: a second move is refused.
      const again = await run(process.execPath, [cli, 'move-to-postgres', '--to', database.url], { env }).catch(
        (error: { code: number; stderr: string }) => error,
      );
      expect(again).toMatchObject({ code: 1 });
      expect((again as { stderr: string }).stderr).toMatch(/not empty/);
    } finally {
      await database.drop();
    }
  }, 300_000);
});
