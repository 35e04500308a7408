import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import { queryRows } from './client.ts';

describeOnBackends('database client', () => {
  it('takes a Date as a raw SQL parameter', async ({ database: handle }) => {
    const when = new Date('2030-05-06T07:08:09.123Z');
    const [row] = await queryRows<{ later: boolean; iso: string }>(
      handle.db,
      sql`select ${when}::timestamptz > '2030-01-01T00:00:00Z'::timestamptz as later, to_char(${when}::timestamptz at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') as iso`,
    );
    expect(row).toEqual({ later: true, iso: '2030-05-06T07:08:09.123' });
  });

  it('delivers NOTIFY to listeners only after commit', async ({ database: handle }) => {
    const received: string[] = [];
    const unlisten = await handle.listen('firebreak_test', (payload) => received.push(payload));
    await handle.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_notify('firebreak_test', 'first')`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(received).toEqual([]);
    });
    await expect.poll(() => received, { timeout: 5000 }).toEqual(['first']);
    await unlisten();
  });
});
