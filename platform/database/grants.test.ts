import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { createFirebreak } from '../../server.ts';
import { createEmptyPostgresDatabase, databaseBackends } from '../../test/harness/database.ts';
import { verifyAuditChain } from '../audit/index.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { openDatabase } from './client.ts';
import { runtimeRoleGrants } from './grants.ts';
import { runMigrations } from './migrate.ts';

/** The database's own refusal, as the driver reports it. */
function refusal(work: Promise<unknown>): Promise<string> {
  return work.then(
    () => 'accepted',
    (error: Error) => error.message,
  );
}

describe.runIf(databaseBackends.includes('postgres'))('the runtime database role of `firebreak db grants`', () => {
  it('runs the app but can neither delete audit rows nor disable the guard triggers', { timeout: 120_000 }, async () => {
    const database = await createEmptyPostgresDatabase();
    const role = `fbtest_app_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    const owner = postgres(database.url, { max: 1, onnotice: () => undefined });
    try {
      // The owner migrates and runs the printed SQL, as an operator would with psql.
      const migrated = await openDatabase({ url: database.url });
      await runMigrations(migrated).finally(() => migrated.close());
      await owner.unsafe(runtimeRoleGrants(role));
      await owner.unsafe(`alter role ${role} password '${password}'`);

      const url = new URL(database.url);
      url.username = role;
      url.password = password;
      const runtime = postgres(url.toString(), { max: 1, onnotice: () => undefined });
      const dataDirectory = await mkdtemp(path.join(tmpdir(), 'firebreak-grants-'));
      const config = loadConfig({ DATABASE_URL: url.toString(), DATA_DIR: dataDirectory, LOG_LEVEL: 'silent' });
      // The app starts as this role (migrations are applied: nothing to own) and audits through it.
      const firebreak = await createFirebreak(config, { logger: createLogger('silent') });
      try {
        const admin = (await readFile(path.join(dataDirectory, 'initial-admin-token'), 'utf8')).trim();
        const created = await firebreak.app.request('/api/tokens', {
          method: 'POST',
          headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'ingest', role: 'ingest' }),
        });
        expect(created.status).toBe(201);
        const verified = await verifyAuditChain(firebreak.database.db, config);
        expect(verified.ok).toBe(true);
        expect(verified.entries).toBeGreaterThanOrEqual(2);

        expect(await refusal(runtime`delete from audit_entries`)).toMatch(/permission denied for table audit_entries/);
        expect(await refusal(runtime`update audit_entries set action = 'x'`)).toMatch(/permission denied for table audit_entries/);
        expect(await refusal(runtime`truncate audit_entries`)).toMatch(/permission denied for table audit_entries/);
        expect(await refusal(runtime.unsafe('alter table audit_entries disable trigger audit_entries_append_only'))).toMatch(
          /must be owner of table audit_entries/,
        );
        expect(await refusal(runtime.unsafe('drop table audit_entries'))).toMatch(/must be owner of table audit_entries/);
      } finally {
        await firebreak.close();
        await runtime.end({ timeout: 5 });
      }
    } finally {
      await owner.end({ timeout: 5 });
      await database.drop();
      const admin = postgres(database.url.replace(/\/[^/]*$/, '/postgres'), { max: 1, onnotice: () => undefined });
      await admin.unsafe(`drop role if exists ${role}`).finally(() => admin.end({ timeout: 5 }));
    }
  });

  it('refuses a role name that is not a plain identifier', () => {
    expect(() => runtimeRoleGrants('app; drop table x')).toThrow(/role name/);
  });
});
