import type { Database } from './client.ts';

/**
 * A statement on the hot path of ingestion: constant SQL text with positional parameters, run as a
 * named prepared statement on each connection. Drizzle runs every statement unnamed, which costs, per
 * execution, a round trip to learn the parameter types plus parsing and planning on the server; a
 * prepared statement is parsed and described once per connection and then only bound and executed.
 *
 * The parameters and results are kept to what both drivers read alike: text, booleans, numbers and
 * JSON. Pass lists and records as JSON text (`$1::text::jsonb`); read times as epoch milliseconds
 * (`epochMs(column)` below) — postgres.js under drizzle hands timestamps back as strings, PGlite as Dates.
 */
export type PreparedStatement<Params extends readonly unknown[], Row> = (db: Database, ...params: Params) => Promise<Row[]>;

interface PostgresJsClient {
  unsafe(text: string, params: readonly unknown[], options: { prepare: boolean }): Promise<unknown[]>;
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

export function preparedStatement<Params extends readonly unknown[], Row>(text: string): PreparedStatement<Params, Row> {
  return async (db, ...params) => {
    const driver = driverOf(db);
    if ('unsafe' in driver) return (await driver.unsafe(text, params, { prepare: true })) as Row[];
    return (await driver.query(text, params)).rows as Row[];
  };
}

/** SQL for a timestamp as epoch milliseconds (a float8, which both drivers read as a number). */
export function epochMs(column: string): string {
  return `(extract(epoch from ${column}) * 1000)::float8`;
}
