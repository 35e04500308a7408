import { expect } from 'vitest';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import { epochMs, planGenerically, preparedStatement } from './prepared.ts';

const next = preparedStatement<[], { value: number }>(`select nextval('prepared_test_order')::int as value`);
const echo = preparedStatement<[items: string, at: string], { items: string[]; at: number; text: string }>(`
  select array(select jsonb_array_elements_text($1::text::jsonb)) as items, ${epochMs('$2::text::timestamptz')} as at, $2 as text`);
const planMode = preparedStatement<[], { mode: string }>(`select current_setting('plan_cache_mode') as mode`);

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

  it('planGenerically keeps plans only for the statements it issues, within the transaction', async ({ database: handle }) => {
    const before = (await planMode(handle.db))[0]?.mode;
    const [inside, after] = await handle.db.transaction(async (tx) => {
      let seen: { mode: string }[] = [];
      await planGenerically(tx, async () => {
        seen = await planMode(tx);
      });
      return [seen[0]?.mode, (await planMode(tx))[0]?.mode];
    });
    expect(inside).toBe('auto');
    expect(after).toBe('force_custom_plan');
    // A server connection plans every prepared statement with its parameters, but inside planGenerically.
    if (backend === 'postgres') expect(before).toBe('force_custom_plan');
    expect((await planMode(handle.db))[0]?.mode).toBe(before);
  });
});
