/**
 * Breach-deadline enforcement on real Postgres with 10,000 open obligations (50,000 pending warning
 * timers): how long one scheduler tick takes to find and fire the due warnings (target < 100 ms), and
 * the lag from a warning's due time to its commit with the real node-cron ticking (target < 2 s).
 * Slack and PagerDuty are configured (served by the local fakes), so every warning queues its Slack
 * message as it would in production.
 */
import { mkdtemp } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { BUILT_IN_REGIMES } from '../../incidents/index.ts';
import { createLogger, loadConfig, openDatabase, queryRows } from '../../platform/index.ts';
import { createFirebreak } from '../../server.ts';
import { FakePagerDutyServer } from '../fakes/pagerduty-server.ts';
import { FakeSlackServer } from '../fakes/slack-server.ts';
import { makeTestCertificate } from '../fakes/tls.ts';
import { TEST_ROUTING_KEY } from '../harness/notifier.ts';
import { createBenchDatabase } from './database.ts';

const OBLIGATIONS = 10_000;
const ROUNDS = 30;
const DUE_PER_TICK = 20;
// Steady state with 10,000 obligations is about one warning a second; the lag run sends four a second.
const LAG_WARNINGS = 40;
const LAG_SPACING_MS = 250;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

const milliseconds = (value: number) => value.toFixed(value < 1 ? 2 : 1);
const describe = (values: number[]) =>
  `p50 ${milliseconds(percentile(values, 50))} ms   p95 ${milliseconds(percentile(values, 95))} ms   max ${milliseconds(Math.max(...values))} ms`;

export async function bench(): Promise<void> {
  const database = await createBenchDatabase();
  const handle = await openDatabase({ url: database.url, poolSize: 10 });
  const certificate = await makeTestCertificate();
  const slack = new FakeSlackServer();
  const pagerduty = new FakePagerDutyServer(certificate);
  await Promise.all([slack.start(), pagerduty.start()]);
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    DATA_DIR: await mkdtemp(path.join(tmpdir(), 'firebreak-bench-')),
    SCHEDULER_ENABLED: 'true',
    FIREBREAK_BOOTSTRAP_TOKEN: `fbk_bench_admin_${'b'.repeat(40)}`,
    SLACK_BOT_TOKEN: slack.token,
    SLACK_API_URL: slack.url,
    PAGERDUTY_ROUTING_KEY: TEST_ROUTING_KEY,
    PAGERDUTY_SERVER: pagerduty.address,
    PAGERDUTY_CA_FILE: certificate.certFile,
  });
  const firebreak = await createFirebreak(config, { database: handle, logger: createLogger('silent') });
  const db = firebreak.database.db;
  try {
    const contract = BUILT_IN_REGIMES.find((regime) => regime.id === 'contract-24h');
    const seeded = performance.now();
    // The rows applyRegime() would write, in bulk: incidents, applied regime, obligation, and its five warning timers.
    await db.execute(sql`
      insert into incidents (title, severity, source, started_at, detected_at)
      select 'bench breach ' || n, 'sev2', 'manual', now(), now() from generate_series(1, ${OBLIGATIONS}) n`);
    await db.execute(sql`
      insert into breach_incident_regimes (incident_id, regime_id, definition, applied_by)
      select id, 'contract-24h', ${JSON.stringify(contract)}::jsonb, 'bench' from incidents`);
    await db.execute(sql`
      insert into breach_obligations (incident_id, incident_regime_id, regime_id, key, title, recipient, status, due_at, clock_started_at, basis, effective_due_at)
      select incident_id, id, 'contract-24h', 'customer_notice', 'Notify affected customers within 24 h', 'customers', 'applicable',
             date_trunc('second', now()) + interval '23 hours', date_trunc('second', now()) - interval '1 hour', '24 hours after identifiedAt',
             date_trunc('second', now()) + interval '23 hours'
      from breach_incident_regimes`);
    await db.execute(sql`
      insert into timers (kind, key, due_at, payload)
      select 'breach.warning',
             o.id || ':' || (extract(epoch from o.effective_due_at) * 1000)::bigint || ':' || p.point,
             o.clock_started_at + (o.effective_due_at - o.clock_started_at) * p.fraction,
             jsonb_build_object('obligationId', o.id, 'point', p.point, 'label', p.point, 'overdueEveryHours', 4,
                                'dueAt', to_char(o.effective_due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
      from breach_obligations o
      cross join (values ('p50', 0.5), ('p75', 0.75), ('p90', 0.9), ('before-1h', 23.0 / 24), ('due', 1.0)) as p(point, fraction)`);
    await db.execute(sql`analyze`);
    const [counts] = await queryRows<{ obligations: number; timers: number }>(
      db,
      sql`select (select count(*)::int from breach_obligations where status in ('assessing', 'applicable')) as obligations,
                 (select count(*)::int from timers where fired_at is null and cancelled_at is null) as timers`,
    );
    console.log(
      `seeded ${counts?.obligations} open obligations, ${counts?.timers} pending warning timers in ${((performance.now() - seeded) / 1000).toFixed(1)} s`,
    );

    // 1. Ticks: nothing due, one warning due, DUE_PER_TICK due (each: claim, savepoint, obligation+incident, guard row, commander, notifier, timeline, mark fired).
    const idle: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const started = performance.now();
      await firebreak.scheduler.runDueTimers(new Date());
      idle.push(performance.now() - started);
    }
    // 10,000 obligations × 5 warnings over a day is about one warning due per one-second tick; 20 is a burst.
    const ticks = new Map<number, number[]>();
    let fired = 0;
    let base = Date.now() + 60_000;
    for (const perTick of [1, DUE_PER_TICK]) {
      const durations: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const dueAt = new Date(base + round * 1000);
        await db.execute(sql`
          update timers set due_at = ${dueAt} where id in (
            select id from timers where kind = 'breach.warning' and key like '%:p50' and fired_at is null and due_at > ${new Date(base + ROUNDS * 1000)}
            order by key limit ${perTick})`);
        const started = performance.now();
        fired += await firebreak.scheduler.runDueTimers(new Date(dueAt.getTime() + 1));
        durations.push(performance.now() - started);
      }
      ticks.set(perTick, durations);
      base += ROUNDS * 1000 + 1000;
    }
    // Context for the tick figures: what one round trip to Postgres costs right now.
    const roundTrips: number[] = [];
    for (let index = 0; index < 200; index++) {
      const started = performance.now();
      await db.execute(sql`select 1`);
      roundTrips.push(performance.now() - started);
    }
    console.log(
      `load average while measuring: ${loadavg()
        .map((value) => value.toFixed(1))
        .join(' ')} (2 cores shared with whatever else runs)`,
    );
    console.log(`one round trip (select 1, 200 times):  ${describe(roundTrips)}`);
    console.log(`tick, nothing due (${ROUNDS} ticks):                  ${describe(idle)}`);
    console.log(`tick, 1 warning due (${ROUNDS} ticks):                 ${describe(ticks.get(1) ?? [])}   target < 100 ms`);
    console.log(
      `tick, ${DUE_PER_TICK} warnings due (${ROUNDS} ticks):                ${describe(ticks.get(DUE_PER_TICK) ?? [])}   target < 100 ms   (${fired} fired in all)`,
    );

    // 2. Lag: the real scheduler (node-cron, every second) and the other background services running.
    const lagStart = Date.now() + 2000;
    await db.execute(sql`
      with chosen as (
        select id, row_number() over (order by key) as n from timers
        where kind = 'breach.warning' and key like '%:p75' and fired_at is null order by key limit ${LAG_WARNINGS})
      update timers set due_at = ${new Date(lagStart)}::timestamptz + (chosen.n * ${LAG_SPACING_MS} * interval '1 millisecond')
      from chosen where timers.id = chosen.id`);
    firebreak.startBackground();
    const deadline = Date.now() + 30_000;
    const seen = new Map<number, number>();
    while (Date.now() < deadline && seen.size < LAG_WARNINGS) {
      const rows = await queryRows<{ id: number; scheduled_for: Date }>(
        db,
        sql`select id, scheduled_for from breach_warnings where point = 'p75'`,
      );
      const now = Date.now();
      for (const row of rows) if (!seen.has(row.id)) seen.set(row.id, now - new Date(row.scheduled_for).getTime());
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const lags = [...seen.values()];
    console.log(
      `due → committed, node-cron every 1 s, ${1000 / LAG_SPACING_MS} warnings/s (${lags.length}/${LAG_WARNINGS}): ${describe(lags)}   target < 2000 ms`,
    );
    const queued = await queryRows<{ count: number }>(db, sql`select count(*)::int as count from outbox_messages where kind like 'slack%'`);
    console.log(`Slack messages queued by the warnings: ${queued[0]?.count ?? 0}`);
  } finally {
    await firebreak.close();
    await Promise.all([slack.stop(), pagerduty.stop()]);
    await database.drop();
  }
}
