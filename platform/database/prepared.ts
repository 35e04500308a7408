import type { Database } from './client.ts';

/**
 * A statement on the hot path of ingestion: constant SQL text with positional parameters, run as a
 * named prepared statement on each connection. Drizzle runs every statement unnamed, which costs, per
 * execution, a round trip to learn the parameter types plus parsing and planning on the server; a
 * prepared statement is parsed and described once per connection and then only bound and executed.
 * Connections to a server plan such statements with their parameters every time (see client.ts), as a
 * plan cached while a table was small goes wrong when it has grown.
 *
 * The parameters and results are kept to what both drivers read alike: text, booleans, numbers and
 * JSON. Pass lists and records as JSON text (`$1::text::jsonb`); read times as epoch milliseconds
 * (`epochMs(column)` below) — postgres.js under drizzle hands timestamps back as strings, PGlite as Dates.
 */
export type PreparedStatement<Params extends readonly unknown[], Row> = (db: Database, ...params: Params) => Promise<Row[]>;

interface PostgresJsClient {
  unsafe(text: string, params: readonly unknown[], options: { prepare: boolean }): { execute(): PromiseLike<unknown[]> };
}

interface PgliteClient {
  query(text: string, params: readonly unknown[]): Promise<{ rows: unknown[] }>;
}

/** The driver under a drizzle database or transaction (drizzle keeps it on its session, marked internal). */
function driverOf(db: Database): PostgresJsClient | PgliteClient {
  const client = (db as unknown as { session?: { client?: unknown } }).session?.client;
  if (client && typeof (client as PostgresJsClient).unsafe === 'function') return client as PostgresJsClient;
  if (client && typeof (client as PgliteClient).query === 'function') return client as PgliteClient;
  throw new Error('preparedStatement: the database handle has neither a postgres.js nor a PGlite client');
}

/**
 * The statement is sent in the order of the calls, at the call (postgres.js queries otherwise start
 * when first awaited): statements issued together on a transaction run in the order written, which
 * taking locks and then reading relies on.
 */
export function preparedStatement<Params extends readonly unknown[], Row>(text: string): PreparedStatement<Params, Row> {
  return (db, ...params) => {
    const driver = driverOf(db);
    if ('unsafe' in driver) return Promise.resolve(driver.unsafe(text, params, { prepare: true }).execute()) as Promise<Row[]>;
    return driver.query(text, params).then((result) => result.rows as Row[]);
  };
}

// A server pool's connections for lookups (see preparedLookup), by the pool's drizzle handle.
const lookupPools = new WeakMap<Database, Database>();

/** Where preparedLookup's statements issued on `db`, a server pool, run: connections that keep their plans. */
export function useForLookups(db: Database, lookups: Database): void {
  lookupPools.set(db, lookups);
}

/**
 * A prepared statement that finds rows by key, for use outside transactions (an ingest batch's first
 * read, a bearer token's lookup). Issued on a server pool it runs on the pool's lookup connections,
 * whose sessions keep generic plans made without sequential scans, as planGenerically() does: planned
 * each time it cost 0.15-0.3 ms of Postgres CPU, as much as running it. Issued on a transaction, a
 * dedicated connection or PGlite, it is any prepared statement.
 */
export function preparedLookup<Params extends readonly unknown[], Row>(text: string): PreparedStatement<Params, Row> {
  const statement = preparedStatement<Params, Row>(text);
  return (db, ...params) => statement(lookupPools.get(db) ?? db, ...params);
}

/** SQL for a timestamp as epoch milliseconds (a float8, which both drivers read as a number). */
export function epochMs(column: string): string {
  return `(extract(epoch from ${column}) * 1000)::float8`;
}

/**
 * SQL for the timestamp of epoch milliseconds given as text (a JSON number read with `->>`): a number
 * costs Node nothing to write and Postgres an eighth of reading an ISO 8601 text (0.035 against 0.27 µs).
 */
export function fromEpochMs(text: string): string {
  return `to_timestamp((${text})::float8 / 1000)`;
}

/**
 * The settings under which plans are kept (planGenerically's, and the lookup connections' sessions):
 * generic plans, made with sequential scans off, since a plan kept from when a table was nearly empty
 * would otherwise scan it whole once it has grown (until the next ANALYZE invalidates it). Joins are
 * nested loops only, for the same reason: kept from an empty table, a join of a parameter's rows to
 * the alerts hashed every alert (a full index scan), where a seek by key per row was wanted. Each
 * statement run under them reaches its rows through an index, or reads no table, at any size.
 */
export const KEPT_PLANS = {
  plan_cache_mode: 'force_generic_plan',
  enable_seqscan: 'off',
  enable_hashjoin: 'off',
  enable_mergejoin: 'off',
  enable_material: 'off',
} as const;
/** What planGenerically sets back at its end: plans made with the parameters, and every plan type KEPT_PLANS turned off on again. */
const CUSTOM_PLANS: Record<string, string> = Object.fromEntries(
  Object.keys(KEPT_PLANS).map((name) => [name, name === 'plan_cache_mode' ? 'force_custom_plan' : 'on']),
);

/** A statement that sets these for the rest of the transaction. */
const settingFor = (settings: Record<string, string>) =>
  preparedStatement<[], never>(
    `select ${Object.entries(settings)
      .map(([name, value]) => `set_config('${name}', '${value}', true)`)
      .join(', ')}`,
  );
const GENERIC = settingFor(KEPT_PLANS);
const CUSTOM = settingFor(CUSTOM_PLANS);

/**
 * Runs statements whose plan cannot depend on their parameters (inserts from a parameter, whose
 * conflicts go to a unique index; lookups by a unique key; advisory locks) with plans kept once made,
 * planned without sequential scans. Planning anew for each execution cost more than running them: a
 * multi-row insert 0.65 ms, each of the ingest reads 0.1-0.3 ms of Postgres CPU. The foreign-key checks
 * of the rows they write keep their plans too. `issue` must issue its statements before it first
 * awaits anything, so that they are sent between the two settings (all pipelined, no round trip added).
 */
export async function planGenerically<T>(tx: Database, issue: () => Promise<T>): Promise<T> {
  const [, result] = await Promise.all([GENERIC(tx), issue(), CUSTOM(tx)]);
  return result;
}
