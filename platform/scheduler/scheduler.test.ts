import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import type { DatabaseHandle } from '../database/index.ts';
import { queryRows } from '../database/index.ts';
import { createLogger } from '../logger.ts';
import { Scheduler } from './scheduler.ts';
import { cancelTimers, scheduleTimer } from './timers.ts';

const logger = createLogger('silent');
const at = (iso: string) => new Date(iso);

describeOnBackends('scheduler', (backend) => {
  it.beforeEach(async ({ database: handle }) => {
    await handle.db.execute(sql`create table fired (key text not null)`);
  });

  function schedulerRecordingFirings(handle: DatabaseHandle): Scheduler {
    const scheduler = new Scheduler(handle.db, logger);
    scheduler.onTimer('test.ping', async (tx, timer) => {
      await tx.execute(sql`insert into fired (key) values (${timer.key})`);
    });
    return scheduler;
  }

  async function firedKeys(handle: DatabaseHandle): Promise<string[]> {
    const rows = await queryRows<{ key: string }>(handle.db, sql`select key from fired order by key`);
    return rows.map((row) => row.key);
  }

  it('fires each due timer once, and none before its time', async ({ database: handle }) => {
    const scheduler = schedulerRecordingFirings(handle);
    await scheduleTimer(handle.db, { kind: 'test.ping', key: 'a', dueAt: at('2030-01-01T10:00:00Z') });
    await scheduleTimer(handle.db, { kind: 'test.ping', key: 'b', dueAt: at('2030-01-01T11:00:00Z') });
    expect(await scheduler.runDueTimers(at('2030-01-01T09:59:59Z'))).toBe(0);
    expect(await scheduler.runDueTimers(at('2030-01-01T10:30:00Z'))).toBe(1);
    expect(await scheduler.runDueTimers(at('2030-01-01T10:30:00Z'))).toBe(0);
    // After downtime, everything overdue fires at the next tick.
    expect(await scheduler.runDueTimers(at('2030-01-02T00:00:00Z'))).toBe(1);
    expect(await firedKeys(handle)).toEqual(['a', 'b']);
  });

  it('fires each timer exactly once when two schedulers (replicas) tick together', async ({ database: handle }) => {
    for (let index = 0; index < 300; index++) {
      await scheduleTimer(handle.db, { kind: 'test.ping', key: `k${String(index).padStart(3, '0')}`, dueAt: at('2030-01-01T00:00:00Z') });
    }
    const [one, two] = [schedulerRecordingFirings(handle), schedulerRecordingFirings(handle)];
    const now = at('2030-01-01T00:00:01Z');
    const [firedByOne, firedByTwo] = await Promise.all([one.runDueTimers(now), two.runDueTimers(now)]);
    expect(firedByOne + firedByTwo).toBe(300);
    const keys = await firedKeys(handle);
    expect(keys).toHaveLength(300);
    expect(new Set(keys).size).toBe(300);
  });

  it('keeps one timer per kind and key, moves a pending one, and never re-arms a fired one', async ({ database: handle }) => {
    const scheduler = schedulerRecordingFirings(handle);
    await scheduleTimer(handle.db, { kind: 'test.ping', key: 'x', dueAt: at('2030-01-01T10:00:00Z') });
    await scheduleTimer(handle.db, { kind: 'test.ping', key: 'x', dueAt: at('2030-01-01T12:00:00Z') });
    expect(await scheduler.runDueTimers(at('2030-01-01T11:00:00Z'))).toBe(0);
    expect(await scheduler.runDueTimers(at('2030-01-01T12:00:00Z'))).toBe(1);
    await scheduleTimer(handle.db, { kind: 'test.ping', key: 'x', dueAt: at('2030-01-01T13:00:00Z') });
    expect(await scheduler.runDueTimers(at('2030-01-01T14:00:00Z'))).toBe(0);
    expect(await firedKeys(handle)).toEqual(['x']);
  });

  it('does not fire cancelled timers', async ({ database: handle }) => {
    const scheduler = schedulerRecordingFirings(handle);
    await scheduleTimer(handle.db, { kind: 'test.ping', key: 'incident-1:warn-50', dueAt: at('2030-01-01T10:00:00Z') });
    await scheduleTimer(handle.db, { kind: 'test.ping', key: 'incident-1:warn-75', dueAt: at('2030-01-01T10:00:00Z') });
    await scheduleTimer(handle.db, { kind: 'test.ping', key: 'incident-2:warn-50', dueAt: at('2030-01-01T10:00:00Z') });
    expect(await cancelTimers(handle.db, 'test.ping', 'incident-1:')).toBe(2);
    await scheduler.runDueTimers(at('2030-01-01T11:00:00Z'));
    expect(await firedKeys(handle)).toEqual(['incident-2:warn-50']);
  });

  it('rolls back a failing handler, records the error, and retries later', async ({ database: handle }) => {
    const scheduler = new Scheduler(handle.db, logger);
    let failures = 1;
    scheduler.onTimer('test.flaky', async (tx, timer) => {
      await tx.execute(sql`insert into fired (key) values (${timer.key})`);
      if (failures-- > 0) throw new Error('downstream unavailable');
    });
    await scheduleTimer(handle.db, { kind: 'test.flaky', key: 'f', dueAt: at('2030-01-01T10:00:00Z') });
    expect(await scheduler.runDueTimers(at('2030-01-01T10:00:00Z'))).toBe(0);
    expect(await firedKeys(handle)).toEqual([]);
    const [pending] = await queryRows<{ attempts: number; last_error: string }>(handle.db, sql`select attempts, last_error from timers`);
    expect(pending).toEqual({ attempts: 1, last_error: 'downstream unavailable' });
    expect(await scheduler.runDueTimers(at('2030-01-01T10:00:01Z'))).toBe(0);
    expect(await scheduler.runDueTimers(at('2030-01-01T10:05:00Z'))).toBe(1);
    expect(await firedKeys(handle)).toEqual(['f']);
  });

  it('runs timers of a concurrent kind side by side, and one that fails alone, without holding up the rest', async ({
    database: handle,
  }) => {
    const scheduler = new Scheduler(handle.db, logger);
    let running = 0;
    let mostAtOnce = 0;
    scheduler.onTimer(
      'test.burst',
      async (tx, timer, now) => {
        running++;
        mostAtOnce = Math.max(mostAtOnce, running);
        try {
          await tx.execute(sql`insert into fired (key) values (${timer.key})`);
          // Both statements of each handler are in flight before any of them finishes.
          await tx.execute(sql`select pg_sleep(0.01)`);
          // Broken until five past ten.
          if (timer.key === 'b-broken' && now < at('2030-01-01T10:05:00Z')) throw new Error('renders badly');
        } finally {
          running--;
        }
      },
      { concurrent: true },
    );
    for (const key of ['a', 'b-broken', 'c', 'd'])
      await scheduleTimer(handle.db, { kind: 'test.burst', key, dueAt: at('2030-01-01T10:00:00Z') });

    // Together first; one failed, so all rolled back and went again one at a time: three fired.
    expect(await scheduler.runDueTimers(at('2030-01-01T10:00:00Z'))).toBe(3);
    expect(mostAtOnce).toBe(4);
    expect(await firedKeys(handle)).toEqual(['a', 'c', 'd']);
    const timers = await queryRows<{ key: string; fired: boolean; attempts: number; last_error: string | null }>(
      handle.db,
      sql`select key, fired_at is not null as fired, attempts, last_error from timers order by key`,
    );
    expect(timers).toEqual([
      { key: 'a', fired: true, attempts: 0, last_error: null },
      { key: 'b-broken', fired: false, attempts: 1, last_error: 'renders badly' },
      { key: 'c', fired: true, attempts: 0, last_error: null },
      { key: 'd', fired: true, attempts: 0, last_error: null },
    ]);
    // Its retry fires it, once.
    expect(await scheduler.runDueTimers(at('2030-01-01T10:05:00Z'))).toBe(1);
    expect(await firedKeys(handle)).toEqual(['a', 'b-broken', 'c', 'd']);
  });

  it('runs a periodic job in one replica at a time', async ({ database: handle }) => {
    const one = new Scheduler(handle.db, logger);
    const two = new Scheduler(handle.db, logger);
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    let runs = 0;
    const job = async () => {
      runs++;
      await blocked;
    };
    one.every('sweep', '*/10 * * * * *', job);
    two.every('sweep', '*/10 * * * * *', job);
    const first = one.runJob('sweep');
    // PGlite has one connection: the second replica's attempt queues behind the first transaction there.
    const second = backend === 'postgres' ? await two.runJob('sweep') : false;
    release();
    expect(await first).toBe(true);
    expect(second).toBe(false);
    expect(runs).toBe(1);
    expect(await two.runJob('sweep')).toBe(true);
  });
});
