import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import type { DatabaseHandle, DatabaseKind } from '../../platform/index.ts';
import { openDatabase, runMigrations } from '../../platform/index.ts';

export type Backend = DatabaseKind;

/**
 * The backends every database test runs on: PGlite always, and the Postgres server at
 * TEST_DATABASE_URL when it is set. CI must not silently skip the real server.
 */
export const databaseBackends: Backend[] = (() => {
  const url = process.env.TEST_DATABASE_URL;
  if (!url && process.env.CI === 'true') {
    throw new Error('CI=true but TEST_DATABASE_URL is not set: the database tests must also run against real Postgres.');
  }
  return url ? ['pglite', 'postgres'] : ['pglite'];
})();

export const TEST_DATABASE_PREFIX = 'fbtest_';

let pgliteSnapshot: Promise<Blob> | null = null;
let postgresTemplate: Promise<string> | null = null;

/** A migrated PGlite made once per worker and dumped; each test loads the dump (much faster than migrating). */
function migratedPgliteSnapshot(): Promise<Blob> {
  pgliteSnapshot ??= (async () => {
    const handle = await openDatabase({});
    await runMigrations(handle);
    const client = (handle.db as unknown as { $client: { dumpDataDir(compression: 'none'): Promise<Blob> } }).$client;
    const dump = await client.dumpDataDir('none');
    await handle.close();
    return dump;
  })();
  return pgliteSnapshot;
}

function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set.');
  return url;
}

function databaseUrl(name: string): string {
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

function newDatabaseName(): string {
  // The creation time in the name lets a later run drop what a crashed run left behind.
  return `${TEST_DATABASE_PREFIX}${Math.floor(Date.now() / 1000)}_${randomBytes(5).toString('hex')}`;
}

async function withAdmin<T>(run: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(serverUrl(), { max: 1, onnotice: () => undefined });
  try {
    return await run(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** A migrated template database per worker; test databases are cloned from it. */
function migratedPostgresTemplate(): Promise<string> {
  postgresTemplate ??= (async () => {
    const name = newDatabaseName();
    await withAdmin((sql) => sql.unsafe(`create database "${name}"`));
    const handle = await openDatabase({ url: databaseUrl(name), poolSize: 1 });
    await runMigrations(handle);
    await handle.close();
    return name;
  })();
  return postgresTemplate;
}

/** A fresh, migrated, private database on the backend; close() drops it. */
export async function openTestDatabase(backend: Backend, options: { poolSize?: number } = {}): Promise<DatabaseHandle> {
  if (backend === 'pglite') return openDatabase({ pgliteSnapshot: await migratedPgliteSnapshot() });
  const template = await migratedPostgresTemplate();
  const name = newDatabaseName();
  await withAdmin((sql) => sql.unsafe(`create database "${name}" template "${template}"`));
  const handle = await openDatabase({ url: databaseUrl(name), poolSize: options.poolSize ?? 5 });
  return {
    ...handle,
    async close() {
      await handle.close();
      await withAdmin((sql) => sql.unsafe(`drop database if exists "${name}" with (force)`));
    },
  };
}

/** The URL of a fresh, empty (unmigrated) Postgres database, and its drop. */
export async function createEmptyPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = newDatabaseName();
  await withAdmin((sql) => sql.unsafe(`create database "${name}"`));
  return {
    url: databaseUrl(name),
    drop: () => withAdmin((sql) => sql.unsafe(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  };
}

/** Drops this worker's template; called from the test setup file after all tests. */
export async function dropWorkerTemplate(): Promise<void> {
  if (!postgresTemplate) return;
  const name = await postgresTemplate.catch(() => null);
  postgresTemplate = null;
  if (name) await withAdmin((sql) => sql.unsafe(`drop database if exists "${name}" with (force)`));
}
