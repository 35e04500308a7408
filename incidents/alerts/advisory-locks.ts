import { sql } from 'drizzle-orm';
import type { Database } from '../../platform/index.ts';
import { queryRows } from '../../platform/index.ts';
import { alertFingerprint } from './fingerprint.ts';

/** The 64-bit advisory lock key of a name in a namespace ("alert", "group", "incident"). */
export function lockKeyOf(namespace: string, name: string): bigint {
  return BigInt.asIntN(64, BigInt(`0x${alertFingerprint({ [namespace]: name })}`));
}

/**
 * Takes transaction-scoped advisory locks, all in one statement and in key order, so that any two
 * transactions taking overlapping sets cannot deadlock. Keys in `shared` are taken in shared mode
 * (many holders at once, but none while someone holds the key exclusively).
 */
export async function lockKeys(tx: Database, keys: Iterable<bigint>, shared: ReadonlySet<bigint> = new Set()): Promise<void> {
  const sorted = [...new Set(keys)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (sorted.length === 0) return;
  const list = JSON.stringify(sorted.map((key) => [String(key), shared.has(key)]));
  await tx.execute(
    sql`select count(case when shared then pg_advisory_xact_lock_shared(key) else pg_advisory_xact_lock(key) end)
        from (select (value ->> 0)::bigint as key, (value ->> 1)::boolean as shared from jsonb_array_elements(${list}::jsonb) order by 1) as keys`,
  );
}

/** Takes the locks that are free right now and answers which; for background work that must not wait. */
export async function tryLockKeys(tx: Database, keys: Iterable<bigint>): Promise<Set<bigint>> {
  const sorted = [...new Set(keys)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (sorted.length === 0) return new Set();
  const list = JSON.stringify(sorted.map(String));
  const rows = await queryRows<{ key: string }>(
    tx,
    sql`select key::text as key from (select value::bigint as key from jsonb_array_elements_text(${list}::jsonb) order by 1) as keys where pg_try_advisory_xact_lock(key)`,
  );
  return new Set(rows.map((row) => BigInt(row.key)));
}
