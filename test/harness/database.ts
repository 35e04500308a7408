import { randomBytes } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { inject } from 'vitest';
import type { DatabaseHandle, DatabaseKind } from '../../platform/index.ts';
import { openDatabase, runMigrations } from '../../platform/index.ts';

export type Backend = DatabaseKind;

declare module 'vitest' {
  export interface ProvidedContext {
    /** A dump of a migrated PGlite, made once per run by test/harness/global-setup.ts. */
    pgliteSnapshotFile: string | null;
    /** The migrated Postgres database, made once per run, that test databases are cloned from. */
    postgresTemplate: string | null;
  }
}

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

/** What the global setup made for the whole run; null outside vitest or where it made nothing. */
function provided<K extends 'pgliteSnapshotFile' | 'postgresTemplate'>(key: K): string | null {
  try {
    return inject(key) ?? null;
  } catch {
    return null;
  }
}

/** A new PGlite, migrated, dumped. Starting PGlite and migrating it costs seconds; loading the dump, one. */
export async function dumpMigratedPglite(): Promise<Blob> {
  const handle = await openDatabase({});
  await runMigrations(handle);
  const client = (handle.db as unknown as { $client: { dumpDataDir(compression: 'none'): Promise<Blob> } }).$client;
  const dump = await client.dumpDataDir('none');
  await handle.close();
  return dump;
}

let pgliteSnapshot: Promise<Blob> | null = null;
let ownPostgresTemplate: Promise<string> | null = null;

/** The migrated PGlite dump: the run's (global setup), or one made by this process when there is none. */
export function migratedPgliteSnapshot(): Promise<Blob> {
  pgliteSnapshot ??= (() => {
    const file = provided('pgliteSnapshotFile');
    return file ? openAsBlob(file) : dumpMigratedPglite();
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

export async function withAdmin<T>(run: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(serverUrl(), { max: 1, onnotice: () => undefined });
  try {
    return await run(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** A new migrated Postgres database to clone test databases from; its name. */
export async function createPostgresTemplate(): Promise<string> {
  const name = newDatabaseName();
  await withAdmin((sql) => sql.unsafe(`create database "${name}"`));
  const handle = await openDatabase({ url: databaseUrl(name), poolSize: 1 });
  await runMigrations(handle);
  await handle.close();
  return name;
}

export async function dropPostgresDatabase(name: string): Promise<void> {
  await withAdmin((sql) => sql.unsafe(`drop database if exists "${name}" with (force)`));
}

/** The run's template (global setup), or one of this process's own when there is none. */
function migratedPostgresTemplate(): Promise<string> {
  const shared = provided('postgresTemplate');
  if (shared) return Promise.resolve(shared);
  ownPostgresTemplate ??= createPostgresTemplate();
  return ownPostgresTemplate;
}

/** The URL of a fresh Postgres database cloned from the migrated template, and its drop. */
export async function createMigratedPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const template = await migratedPostgresTemplate();
  const name = newDatabaseName();
  await withAdmin((sql) => sql.unsafe(`create database "${name}" template "${template}"`));
  return { url: databaseUrl(name), drop: () => dropPostgresDatabase(name) };
}

/** A fresh, migrated, private database on the backend; close() drops it. */
export async function openTestDatabase(
  backend: Backend,
  options: { poolSize?: number; lookupConnections?: number } = {},
): Promise<DatabaseHandle> {
  if (backend === 'pglite') return openDatabase({ pgliteSnapshot: await migratedPgliteSnapshot() });
  const database = await createMigratedPostgresDatabase();
  const handle = await openDatabase({ url: database.url, poolSize: options.poolSize ?? 5, lookupConnections: options.lookupConnections });
  return {
    ...handle,
    async close() {
      await handle.close();
      await database.drop();
    },
  };
}

/**
 * A new DATA_DIR whose embedded database is made and migrated already (from the run's dump), as the
 * first command in it leaves it. A command in a fresh DATA_DIR first spends seconds of CPU creating
 * the database; tests of what comes after that start here, and the first run keeps tests of its own.
 */
export async function migratedDataDirectory(prefix: string): Promise<string> {
  const dataDirectory = await mkdtemp(path.join(tmpdir(), prefix));
  const handle = await openDatabase({ dataDirectory, pgliteSnapshot: await migratedPgliteSnapshot() });
  await handle.close();
  return dataDirectory;
}

/** The URL of a fresh, empty (unmigrated) Postgres database, and its drop. */
export async function createEmptyPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = newDatabaseName();
  await withAdmin((sql) => sql.unsafe(`create database "${name}"`));
  return { url: databaseUrl(name), drop: () => dropPostgresDatabase(name) };
}

/** Drops the template this process made for itself, if it made one; called from the test setup file after all tests. */
export async function dropWorkerTemplate(): Promise<void> {
  if (!ownPostgresTemplate) return;
  const name = await ownPostgresTemplate.catch(() => null);
  ownPostgresTemplate = null;
  if (name) await dropPostgresDatabase(name);
}
