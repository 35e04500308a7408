import type { Database } from '../../platform/index.ts';

type Driver = Record<string, (...args: unknown[]) => unknown>;

/** Calls `listener` before `method` of the driver sends a statement. */
function listenOn(driver: Driver, method: 'unsafe' | 'query', listener: (text: string, params: unknown[]) => void): void {
  const original = driver[method]?.bind(driver);
  if (!original) throw new Error(`the database driver has no ${method}()`);
  driver[method] = (text, params, ...rest) => {
    if (typeof text === 'string') listener(text, Array.isArray(params) ? params : []);
    return original(text, params, ...rest);
  };
}

/**
 * Calls `listener` with every statement sent on this drizzle handle, in the order sent: on its own
 * connections and in its transactions (the driver postgres.js's begin() or PGlite's transaction()
 * hands drizzle for them), as the driver receives it (text and positional parameters).
 */
export function watchStatements(db: Database, listener: (text: string, params: unknown[]) => void): void {
  const client = (db as unknown as { session: { client: Driver } }).session.client;
  const [send, begin] = typeof client.begin === 'function' ? (['unsafe', 'begin'] as const) : (['query', 'transaction'] as const);
  listenOn(client, send, listener);
  const original = client[begin]?.bind(client);
  if (!original) throw new Error(`the database driver has no ${begin}()`);
  client[begin] = (...args) => {
    const run = args.pop() as (driver: Driver) => unknown;
    return original(...args, (driver: Driver) => {
      listenOn(driver, send, listener);
      return run(driver);
    });
  };
}
