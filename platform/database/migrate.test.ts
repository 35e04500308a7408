import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { describe, expect, it } from 'vitest';
import { createEmptyPostgresDatabase, databaseBackends } from '../../test/harness/database.ts';
import type { DatabaseHandle } from './client.ts';
import { openDatabase, queryRows } from './client.ts';
import { APPEND_ONLY_TABLES, MIGRATIONS_FOLDER, migrationStatus, runMigrations } from './migrate.ts';

/** An empty, never-migrated database of the backend. */
async function emptyDatabase(backend: string): Promise<{ handle: DatabaseHandle; dispose(): Promise<void> }> {
  if (backend === 'pglite') {
    const handle = await openDatabase({});
    return { handle, dispose: () => handle.close() };
  }
  const empty = await createEmptyPostgresDatabase();
  const handle = await openDatabase({ url: empty.url, poolSize: 4 });
  return {
    handle,
    async dispose() {
      await handle.close();
      await empty.drop();
    },
  };
}

describe.each(databaseBackends)('migrations on %s', (backend) => {
  it('migrate an empty database, and are a no-op the second time', async () => {
    const { handle, dispose } = await emptyDatabase(backend);
    try {
      expect((await migrationStatus(handle)).applied).toBe(0);
      await runMigrations(handle);
      const first = await migrationStatus(handle);
      expect(first.applied).toBe(first.known);
      expect(first.known).toBeGreaterThan(0);

      await handle.db.execute(sql`insert into api_tokens (name, role, token_hash, prefix) values ('kept', 'viewer', 'h', 'p')`);
      await runMigrations(handle);
      expect(await migrationStatus(handle)).toEqual(first);
      const rows = await queryRows<{ name: string }>(handle.db, sql`select name from api_tokens`);
      expect(rows).toEqual([{ name: 'kept' }]);
    } finally {
      await dispose();
    }
  });
});

/** Applies the migrations before `tag` only (a database of an earlier version). */
async function migrateUpTo(handle: DatabaseHandle, tag: string): Promise<void> {
  const folder = await mkdtemp(path.join(tmpdir(), 'firebreak-migrations-'));
  await cp(MIGRATIONS_FOLDER, folder, { recursive: true });
  const journalFile = path.join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(await readFile(journalFile, 'utf8')) as { entries: { tag: string }[] };
  const index = journal.entries.findIndex((entry) => entry.tag === tag);
  if (index < 0) throw new Error(`no migration ${tag}`);
  await writeFile(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, index) }));
  if (handle.kind === 'pglite') await migratePglite(handle.db as unknown as PgliteDatabase, { migrationsFolder: folder });
  else await migratePostgres(handle.db as unknown as PostgresJsDatabase, { migrationsFolder: folder });
}

describe.each(databaseBackends)('data carried by migrations on %s', (backend) => {
  it('0016 dates the alerts expired before it by their last write, so that retention reaches them', async () => {
    const { handle, dispose } = await emptyDatabase(backend);
    try {
      await migrateUpTo(handle, '0016_alert_expiry_retention');
      await handle.db.execute(sql`
        insert into alerts (fingerprint, labels, severity, status, starts_at, source, group_key, updated_at) values
          ('expired-before', '{}'::jsonb, 'sev3', 'expired', '2026-01-01T00:00:00Z', 'api', 'g', '2026-02-03T04:05:06Z'),
          ('firing-before', '{}'::jsonb, 'sev3', 'firing', '2026-01-01T00:00:00Z', 'api', 'g', '2026-02-03T04:05:06Z')`);
      await runMigrations(handle);
      const rows = await queryRows<{ fingerprint: string; expired_at: string | Date | null }>(
        handle.db,
        sql`select fingerprint, expired_at from alerts order by fingerprint`,
      );
      expect(rows.map((row) => [row.fingerprint, row.expired_at && new Date(row.expired_at).toISOString()])).toEqual([
        ['expired-before', '2026-02-03T04:05:06.000Z'],
        ['firing-before', null],
      ]);
    } finally {
      await dispose();
    }
  });
});

describe.each(databaseBackends)('append-only history on %s', (backend) => {
  it('refuses to truncate any history table', async () => {
    const { handle, dispose } = await emptyDatabase(backend);
    try {
      await runMigrations(handle);
      for (const table of APPEND_ONLY_TABLES) {
        const outcome = await handle.db.execute(sql`truncate ${sql.identifier(table)}`).then(
          () => 'truncated',
          (error: Error) => String((error.cause as Error | undefined)?.message ?? error.message),
        );
        expect(outcome).toBe(`${table} is append-only: TRUNCATE refused`);
      }
    } finally {
      await dispose();
    }
  });
});

describe.runIf(databaseBackends.includes('postgres'))('migrations by replicas starting together', () => {
  it('apply once when several processes migrate at the same moment', async () => {
    const empty = await createEmptyPostgresDatabase();
    const handles = await Promise.all([1, 2, 3].map(() => openDatabase({ url: empty.url, poolSize: 2 })));
    try {
      await Promise.all(handles.map((handle) => runMigrations(handle)));
      const [first] = handles;
      if (!first) throw new Error('no handle');
      const status = await migrationStatus(first);
      expect(status.applied).toBe(status.known);
    } finally {
      await Promise.all(handles.map((handle) => handle.close()));
      await empty.drop();
    }
  });
});
