import type { Database } from '../../platform/index.ts';
import { preparedStatement } from '../../platform/index.ts';

/**
 * The name of a transaction-scoped advisory lock: a namespace and a name in it. Postgres hashes it to
 * the 64-bit key (hashtextextended); two names sharing a key only lock more than they need to.
 */
export function lockName(namespace: 'alert' | 'group', name: string): string {
  return `${namespace}:${name}`;
}

// Keys are taken in key order, so that any two transactions taking overlapping sets cannot deadlock;
// a key wanted both ways is taken exclusively.
const takeLocks = preparedStatement<[names: string], { taken: number }>(`
  select count(case when shared then pg_advisory_xact_lock_shared(key) else pg_advisory_xact_lock(key) end)::int as taken
  from (
    select hashtextextended(value ->> 0, 0) as key, bool_and((value ->> 1)::boolean) as shared
    from jsonb_array_elements($1::text::jsonb) group by 1 order by 1
  ) as keys`);

/**
 * Takes these locks until the transaction ends, all in one statement. Names in `shared` are taken in
 * shared mode (many holders at once, but none while someone holds the lock exclusively).
 */
export async function lockKeys(tx: Database, names: Iterable<string>, shared: ReadonlySet<string> = new Set()): Promise<void> {
  const wanted = [...new Set(names)].map((name) => [name, shared.has(name)]);
  if (wanted.length > 0) await takeLocks(tx, JSON.stringify(wanted));
}

const tryTakeLocks = preparedStatement<[names: string], { name: string }>(`
  select name from (
    select value as name, hashtextextended(value, 0) as key from jsonb_array_elements_text($1::text::jsonb) order by 2
  ) as keys
  where pg_try_advisory_xact_lock(key)`);

/** Takes the locks that are free right now and answers which; for background work that must not wait. */
export async function tryLockKeys(tx: Database, names: Iterable<string>): Promise<Set<string>> {
  const wanted = [...new Set(names)];
  if (wanted.length === 0) return new Set();
  return new Set((await tryTakeLocks(tx, JSON.stringify(wanted))).map((row) => row.name));
}
