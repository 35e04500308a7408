import { sql } from 'drizzle-orm';
import { describe, expect, it as plainIt } from 'vitest';
import { createEmptyPostgresDatabase, databaseBackends } from '../../test/harness/database.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import type { DatabaseHandle } from './client.ts';
import { openDatabase, queryRows } from './client.ts';
import { epochMs, fromEpochMs, planGenerically, preparedLookup, preparedStatement } from './prepared.ts';

const next = preparedStatement<[], { value: number }>(`select nextval('prepared_test_order')::int as value`);
const echo = preparedStatement<[items: string, at: string], { items: string[]; at: number; text: string }>(`
  select array(select jsonb_array_elements_text($1::text::jsonb)) as items, ${epochMs('$2::text::timestamptz')} as at, $2 as text`);
// Joins are planned with the scans: a kept plan may only join by nested loops (hash joins, merge joins and materialisation off).
const PLAN_SETTINGS = `select current_setting('plan_cache_mode') as mode,
  case when current_setting('enable_hashjoin') = current_setting('enable_mergejoin')
    and current_setting('enable_mergejoin') = current_setting('enable_material')
    then current_setting('enable_seqscan') || '/' || current_setting('enable_hashjoin') else 'mixed' end as scans`;
const planMode = preparedStatement<[], { mode: string; scans: string }>(PLAN_SETTINGS);
const lookupPlanMode = preparedLookup<[], { mode: string; scans: string }>(PLAN_SETTINGS);
const roundTrip = preparedStatement<[times: string], { at: number | null; iso: string | null }>(`
  select ${epochMs(fromEpochMs('value'))} as at, to_char(${fromEpochMs('value')} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MSZ') as iso
  from jsonb_array_elements_text($1::text::jsonb) with ordinality as t(value, position) order by position`);

describeOnBackends('prepared statements', (backend) => {
  it.beforeEach(async ({ database: handle }) => {
    await handle.db.execute('create sequence if not exists prepared_test_order');
  });

  it('issued together on a transaction, run in the order they are called', async ({ database: handle }) => {
    const order = await handle.db.transaction(async (tx) => {
      const deep = async (levels: number): Promise<{ value: number }[]> => (levels === 0 ? next(tx) : deep(levels - 1));
      const wrapped = async () => {
        const rows = await next(tx);
        return rows;
      };
      // Called in this order; each resolves after a different number of promise hops.
      return Promise.all([deep(5), next(tx), wrapped(), deep(2), next(tx)]);
    });
    const values = order.map(([row]) => row?.value);
    expect(values).toEqual([...values].sort((a = 0, b = 0) => a - b));
    expect(new Set(values).size).toBe(5);
  });

  it('take JSON and text parameters and give times back as epoch milliseconds', async ({ database: handle }) => {
    const at = new Date('2026-11-21T07:08:09.123Z');
    const [row] = await echo(handle.db, JSON.stringify(['a', "it's", '"quoted"', 'ü']), at.toISOString());
    expect(row).toEqual({ items: ['a', "it's", '"quoted"', 'ü'], at: at.getTime(), text: at.toISOString() });
  });

  it('read epoch milliseconds as timestamps exactly, to the millisecond', async ({ database: handle }) => {
    const times = [Date.UTC(2026, 11, 6, 3, 4, 5, 123), Date.UTC(1999, 0, 1, 0, 0, 0, 999), 0, Date.UTC(2100, 5, 30, 23, 59, 59, 1)];
    const rows = await roundTrip(handle.db, JSON.stringify([...times, null]));
    expect(rows.map((row) => row.at)).toEqual([...times, null]);
    expect(rows.map((row) => row.iso)).toEqual([...times.map((ms) => new Date(ms).toISOString()), null]);
  });

  it('planGenerically keeps plans, without sequential scans, only for the statements it issues, within the transaction', async ({
    database: handle,
  }) => {
    const before = (await planMode(handle.db))[0];
    const [inside, after] = await handle.db.transaction(async (tx) => {
      let seen: { mode: string; scans: string }[] = [];
      await planGenerically(tx, async () => {
        seen = await planMode(tx);
      });
      return [seen[0], (await planMode(tx))[0]];
    });
    expect(inside).toEqual({ mode: 'force_generic_plan', scans: 'off/off' });
    expect(after).toEqual({ mode: 'force_custom_plan', scans: 'on/on' });
    // A server connection plans every prepared statement with its parameters, but inside planGenerically.
    if (backend === 'postgres') expect(before?.mode).toBe('force_custom_plan');
    expect((await planMode(handle.db))[0]).toEqual(before);
  });

  it('preparedLookup keeps its plans, without sequential scans, on a server pool; in a transaction it is a prepared statement', async ({
    database: handle,
  }) => {
    // Several at once, so that every lookup connection answers.
    const seen = await Promise.all(Array.from({ length: 6 }, () => lookupPlanMode(handle.db)));
    const inTransaction = await handle.db.transaction(async (tx) => (await lookupPlanMode(tx))[0]);
    const plain = (await planMode(handle.db))[0];
    if (backend === 'postgres') {
      for (const [row] of seen) expect(row).toEqual({ mode: 'force_generic_plan', scans: 'off/off' });
      expect(inTransaction).toEqual({ mode: 'force_custom_plan', scans: 'on/on' });
    } else {
      for (const [row] of seen) expect(row).toEqual(plain);
      expect(inTransaction).toEqual(plain);
    }
    // The pool's own connections are untouched.
    expect(plain?.scans).toBe('on/on');
  });

  it('planGenerically: a plan kept while the table was nearly empty still uses the index once it has grown', async ({
    database: handle,
  }) => {
    await handle.withDedicatedConnection(async (db) => {
      await db.execute('create table prepared_test_growing (id serial primary key, key text not null unique, value int not null)');
      await db.execute('analyze prepared_test_growing');
      // Kept on this connection from the first executions, when the table was empty.
      for (let round = 0; round < 6; round++) {
        await db.transaction((tx) => planGenerically(tx, () => lookup(tx, 'k1')));
      }
      await db.execute(`insert into prepared_test_growing (key, value) select 'k' || n, n from generate_series(2, 20000) as n`);
      const [before, after] = await db.transaction(async (tx) => {
        const [counted] = await tableScans(tx);
        const [row] = await planGenerically(tx, () => lookup(tx, 'k777'));
        expect(row?.value).toBe(777);
        return [counted, (await tableScans(tx))[0]];
      });
      expect({
        seq_scan: (after?.seq_scan ?? 0) - (before?.seq_scan ?? 0),
        idx_scan: (after?.idx_scan ?? 0) - (before?.idx_scan ?? 0),
      }).toEqual({
        seq_scan: 0,
        idx_scan: 1,
      });
    });
  });
});

const lookup = preparedStatement<[keys: string], { value: number }>(
  `select value from prepared_test_growing where key = any(string_to_array($1::text, ','))`,
);
// The scans of this connection not yet counted in pg_stat_user_tables (this transaction's among them).
const tableScans = preparedStatement<[], { seq_scan: number; idx_scan: number }>(
  `select seq_scan::int as seq_scan, idx_scan::int as idx_scan from pg_stat_xact_user_tables where relname = 'prepared_test_growing'`,
);

describe.runIf(databaseBackends.includes('postgres'))('lookup connections (DATABASE_LOOKUP_CONNECTIONS)', () => {
  const lookupBackends = (handle: DatabaseHandle) =>
    queryRows<{ count: number }>(
      handle.db,
      sql`select count(*)::int as count from pg_stat_activity where datname = current_database() and application_name = 'firebreak-lookups'`,
    );

  plainIt.each([3, 0])('%i beside the pool: that many connections keep the plans; none, and lookups run on the pool', async (count) => {
    const empty = await createEmptyPostgresDatabase();
    const handle = await openDatabase({ url: empty.url, poolSize: 2, lookupConnections: count });
    try {
      const seen = await Promise.all(Array.from({ length: 9 }, () => lookupPlanMode(handle.db)));
      const expected = count > 0 ? { mode: 'force_generic_plan', scans: 'off/off' } : { mode: 'force_custom_plan', scans: 'on/on' };
      for (const [row] of seen) expect(row).toEqual(expected);
      expect(await lookupBackends(handle)).toEqual([{ count }]);
    } finally {
      await handle.close();
      await empty.drop();
    }
  });
});
