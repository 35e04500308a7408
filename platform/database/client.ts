import { chmod, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { KEPT_PLANS, useForLookups } from './prepared.ts';

/** The drizzle handle every part uses; a transaction has the same type. */
export type Database = PgDatabase<PgQueryResultHKT>;

export type DatabaseKind = 'pglite' | 'postgres';

export interface DatabaseHandle {
  db: Database;
  kind: DatabaseKind;
  /** Subscribes to a Postgres NOTIFY channel; resolves to the function that unsubscribes. */
  listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  /**
   * Runs on one connection of its own, for session state such as advisory locks that must be taken
   * and released on the same connection (a pool may hand each statement another one).
   */
  withDedicatedConnection<T>(run: (db: Database) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres:// URL of a real server; without it an embedded PGlite database is used. */
  url?: string;
  /** Folder of the embedded database; without it (and without url) the database lives in memory. */
  dataDirectory?: string;
  poolSize?: number;
  /** Connections beside the pool for preparedLookup's statements (default 2); 0 runs them on the pool. */
  lookupConnections?: number;
  /** Loads a PGlite data directory dump (tests start from a migrated snapshot this way). */
  pgliteSnapshot?: Blob;
}

const drizzleOptions = { casing: 'snake_case' } as const;

/** Opens postgres.js on a URL, or PGlite in a folder (or in memory). */
export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.url) return openPostgres(options.url, options.poolSize ?? 10, options.lookupConnections ?? LOOKUP_CONNECTIONS);
  return openPglite(options);
}

/** Connections for preparedLookup's statements (lookups by key outside transactions), beside the pool, by default. */
const LOOKUP_CONNECTIONS = 2;

function connectPostgres(url: string, poolSize: number, plans: 'custom' | 'kept' = 'custom') {
  const client = postgres(url, {
    max: poolSize,
    onnotice: () => undefined,
    // Only the hot-path statements are named prepared statements (drizzle's are unnamed, planned each
    // time). A generic plan cached while a table was nearly empty scans it whole once it has grown (until
    // autovacuum's next ANALYZE, up to a minute away): seen in the ingest benchmark as Postgres CPU per
    // request tripling. Custom plans keep the parse and the round trip saved but plan with the parameters
    // each time; planGenerically() is for statements whose plan cannot go wrong, and so are the lookups
    // by key that run on the connections made with plans 'kept': generic plans, made without sequential
    // scans (see prepared.ts).
    // No JIT: a statement whose estimated cost grows with a table (a guarded scan of the alerts that
    // never runs, say) crosses jit_above_cost and pays hundreds of milliseconds of LLVM compilation on
    // every execution; seen as one ingest transaction taking 400 ms with 250,000 alerts stored.
    connection: {
      // The lookup connections are told apart in pg_stat_activity.
      application_name: plans === 'custom' ? 'firebreak' : 'firebreak-lookups',
      jit: 'off',
      ...(plans === 'custom' ? { plan_cache_mode: 'force_custom_plan' } : KEPT_PLANS),
    },
  });
  const db = drizzlePostgres({ client, ...drizzleOptions }) as unknown as Database;
  // drizzle makes postgres.js pass date values through untouched (it converts them for columns itself);
  // a Date given as a raw sql`` parameter would then reach the wire as an object. PGlite accepts Dates.
  for (const type of [1082, 1083, 1114, 1184]) {
    client.options.serializers[type] = (value: unknown) => (value instanceof Date ? value.toISOString() : value);
  }
  return { client, db };
}

async function openPostgres(url: string, poolSize: number, lookupConnections: number): Promise<DatabaseHandle> {
  const { client, db } = connectPostgres(url, poolSize);
  const lookups = lookupConnections > 0 ? connectPostgres(url, lookupConnections, 'kept') : null;
  if (lookups) useForLookups(db, lookups.db);
  return {
    db,
    kind: 'postgres',
    async withDedicatedConnection(run) {
      const dedicated = connectPostgres(url, 1);
      try {
        return await run(dedicated.db);
      } finally {
        await dedicated.client.end({ timeout: 5 });
      }
    },
    async listen(channel, onMessage) {
      const subscription = await client.listen(channel, onMessage);
      return () => subscription.unlisten();
    },
    close: async () => {
      await Promise.all([client.end({ timeout: 5 }), lookups?.client.end({ timeout: 5 })]);
    },
  };
}

/**
 * The embedded database holds everything (password hashes, sealed secrets, the audit trail): its
 * folders are the service user's alone (0700, which alone keeps others out of every file inside),
 * and its files are made 0600 when it opens and closes. PGlite sets 0666 on the files it creates
 * whatever the umask, and an earlier version left them so.
 */
async function keepPrivate(dataDirectory: string, dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chmod(dataDirectory, 0o700);
  await chmod(dataDir, 0o700);
  for (const entry of await readdir(dataDir, { withFileTypes: true, recursive: true })) {
    await chmod(path.join(entry.parentPath, entry.name), entry.isDirectory() ? 0o700 : 0o600);
  }
}

async function openPglite(options: DatabaseOptions): Promise<DatabaseHandle> {
  let dataDir: string | undefined;
  if (options.dataDirectory) {
    dataDir = path.join(options.dataDirectory, 'pglite');
    await keepPrivate(options.dataDirectory, dataDir);
  }
  // Loaded only when used: PGlite costs about 40 MB of resident memory, which a server on Postgres never needs.
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle: drizzlePglite } = await import('drizzle-orm/pglite');
  const client = await PGlite.create({ dataDir, loadDataDir: options.pgliteSnapshot });
  if (options.dataDirectory && dataDir) await keepPrivate(options.dataDirectory, dataDir);
  const db = drizzlePglite({ client, ...drizzleOptions }) as unknown as Database;
  return {
    db,
    kind: 'pglite',
    // PGlite has a single connection already.
    withDedicatedConnection: (run) => run(db),
    async listen(channel, onMessage) {
      return client.listen(channel, onMessage);
    },
    async close() {
      await client.close();
      if (options.dataDirectory && dataDir) await keepPrivate(options.dataDirectory, dataDir);
    },
  };
}

/** Runs raw SQL and returns its rows, whichever driver answers (they shape results differently). */
export async function queryRows<Row>(db: Database, query: SQL): Promise<Row[]> {
  const result: unknown = await db.execute(query);
  if (Array.isArray(result)) return result as Row[];
  return (result as { rows: Row[] }).rows;
}
