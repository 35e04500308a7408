import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createEmptyPostgresDatabase, databaseBackends } from '../../test/harness/database.ts';
import type { DatabaseHandle } from './client.ts';
import { openDatabase, queryRows } from './client.ts';
import { APPEND_ONLY_TABLES, migrationStatus, runMigrations } from './migrate.ts';

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
