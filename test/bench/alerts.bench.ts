/**
 * POST /api/v2/alerts on real Postgres against the Debian Alertmanager's own /api/v2/alerts, under the
 * same load: wrk, 8 connections, batches of 100 alerts (50 refreshes of 50 known alerts, 50 new).
 * Prints p50/p99 latency, alerts/s, the ratio Firebreak / Alertmanager (target ≥ 0.6, issue 19), and where
 * Firebreak's time goes (rows written and HOT-updated, what its storage statements alone reach, time
 * per step of one request).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { PostableAlerts, postableAlerts } from '../../collector/alertmanager/index.ts';
import type { PendingEvent } from '../../incidents/alerts/alert-events.ts';
import { recordAlertEvents } from '../../incidents/alerts/alert-events.ts';
import { alertSettingsFrom, groupKeyOf } from '../../incidents/alerts/alert-settings.ts';
import type { AlertRowWrite } from '../../incidents/alerts/alert-statements.ts';
import { firstLook, writeAlertRows } from '../../incidents/alerts/alert-statements.ts';
import { NOT_FLAPPING } from '../../incidents/alerts/flapping.ts';
import { alertFingerprint, receiveAlerts } from '../../incidents/index.ts';
import type { Database } from '../../platform/index.ts';
import { createLogger, createToken, loadConfig, planGenerically, queryRows, SYSTEM_ACTOR, systemContext } from '../../platform/index.ts';
import { createFirebreak, listen } from '../../server.ts';
import { metricValues } from '../harness/metrics.ts';
import { startBinary } from '../harness/prometheus-stack.ts';
import { createBenchDatabase } from './database.ts';

const run = promisify(execFile);
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'alerts-load.lua');
const CONNECTIONS = 8;
const THREADS = 2;
const DURATION = process.env.BENCH_ALERTS_SECONDS ?? '10';
const ROUNDS = 3;
const ROUND_SECONDS = Math.max(2, Math.ceil(Number(DURATION) / ROUNDS));
const BATCH = 100;
/** The ratio Firebreak / Alertmanager to reach on this load (issue 19: durable before the answer, storms as one line). */
const TARGET_RATIO = 0.6;
const TOKEN = `fbk_bench_admin_${'a'.repeat(40)}`;
/** Firebreak's warm-up under the benchmark's own load, until its rate has settled (see bench()). */
const WARM_UP_SECONDS = 15;

interface WrkResult {
  p50: number;
  p99: number;
  requestsPerSecond: number;
  requests: number;
  errors: number;
}

function milliseconds(value: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(value.trim());
  if (!match) return Number.NaN;
  const number = Number(match[1]);
  return match[2] === 'us' ? number / 1000 : match[2] === 'ms' ? number : match[2] === 's' ? number * 1000 : number * 60_000;
}

async function wrk(url: string, token: string, runId: string, mode: string, seconds: number): Promise<WrkResult> {
  const { stdout } = await run(
    'wrk',
    [`-t${THREADS}`, `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', '-s', SCRIPT, url, '--', token, runId, mode],
    {
      maxBuffer: 1 << 20,
    },
  );
  const p50 = /^\s+50%\s+(\S+)/m.exec(stdout)?.[1] ?? '';
  const p99 = /^\s+99%\s+(\S+)/m.exec(stdout)?.[1] ?? '';
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1] ?? 0);
  const errors =
    Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0) + Number(/Socket errors:.*?timeout (\d+)/.exec(stdout)?.[1] ?? 0);
  return {
    p50: milliseconds(p50),
    p99: milliseconds(p99),
    requestsPerSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? 0),
    requests,
    errors,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** Runs of equal length taken together: their mean rate, the median of their percentiles. */
function combined(results: WrkResult[]): WrkResult {
  const requests = results.reduce((sum, result) => sum + result.requests, 0);
  return {
    p50: median(results.map((result) => result.p50)),
    p99: median(results.map((result) => result.p99)),
    requestsPerSecond: results.reduce((sum, result) => sum + result.requestsPerSecond, 0) / Math.max(1, results.length),
    requests,
    errors: results.reduce((sum, result) => sum + result.errors, 0),
  };
}

/** CPU milliseconds used so far by every Postgres process on this machine (the benchmark's server is local). */
async function postgresCpuMs(): Promise<number> {
  let ticks = 0;
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if ((await readFile(`/proc/${pid}/comm`, 'utf8')).trim() !== 'postgres') continue;
      // utime and stime, fields 14 and 15 of /proc/<pid>/stat, counted after the command name.
      const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
      ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
    } catch {
      // The process ended meanwhile.
    }
  }
  return ticks * 10;
}

/**
 * Ingest transactions run again so far in this process, by cause. This load's single sender caused
 * one, in the warm-up: the 50 known alerts are new to the first two transactions side by side.
 */
async function ingestRetries(): Promise<string> {
  const counts = await metricValues('firebreak_alert_ingest_retries_total');
  return counts.length === 0 ? 'none' : counts.map((count) => `${count.labels.cause} ${count.value}`).join(', ');
}

function line(name: string, result: WrkResult): string {
  return `${name.padEnd(34)} p50 ${result.p50.toFixed(2).padStart(7)} ms   p99 ${result.p99.toFixed(2).padStart(7)} ms (medians of the runs)   ${(result.requestsPerSecond * BATCH).toFixed(0).padStart(7)} alerts/s   (${result.requests} requests, ${result.errors} errors)`;
}

function batch(runId: string, round: number): unknown[] {
  const now = Math.floor(Date.now() / 1000) * 1000;
  const startsAt = new Date(now - 60_000).toISOString();
  const endsAt = new Date(now + 300_000).toISOString();
  const alerts: unknown[] = [];
  for (let index = 1; index <= 50; index++) {
    alerts.push({
      labels: { alertname: 'BenchKnown', service: `svc-${index % 10}`, instance: `known-${index}`, severity: 'warning', cluster: 'bench' },
      annotations: { summary: `known alert ${index} is still firing` },
      startsAt,
      endsAt,
      generatorURL: 'http://prometheus.bench:9090/graph',
    });
  }
  for (let index = 1; index <= 50; index++) {
    alerts.push({
      labels: {
        alertname: 'BenchNew',
        service: `svc-${index % 10}`,
        instance: `${runId}-${round}-${index}`,
        severity: 'critical',
        cluster: 'bench',
      },
      annotations: { summary: `new alert ${index}` },
      startsAt,
      endsAt,
      generatorURL: 'http://prometheus.bench:9090/graph',
    });
  }
  return alerts;
}

/** One request's steps timed in process, one at a time: where the milliseconds go. */
async function profileSteps(firebreak: Awaited<ReturnType<typeof createFirebreak>>, token: string): Promise<void> {
  const rounds = 200;
  const bodies = Array.from({ length: rounds }, (_, round) => JSON.stringify(batch('profile', round)));
  let parse = 0;
  let validate = 0;
  let fingerprint = 0;
  let receive = 0;
  let http = 0;
  const system = systemContext(firebreak.database.db, firebreak.config);
  for (let round = 0; round < rounds; round++) {
    const body = bodies[round] ?? '[]';
    let started = performance.now();
    const json: unknown = JSON.parse(body);
    parse += performance.now() - started;
    started = performance.now();
    // As the route validates: the hand-written fast path, zod for anything it is unsure of.
    const validated = await PostableAlerts['~standard'].validate(json);
    if (validated.issues) throw new Error('the benchmark batch is invalid');
    const parsed = validated.value;
    validate += performance.now() - started;
    const received = postableAlerts(parsed, new Date(), 300_000);
    started = performance.now();
    for (const alert of received) alertFingerprint(alert.labels);
    fingerprint += performance.now() - started;
    started = performance.now();
    await receiveAlerts(
      system,
      received.map((alert) => ({ ...alert, labels: { ...alert.labels, instance: `${alert.labels.instance}-direct` } })),
      { source: 'prometheus' },
    );
    receive += performance.now() - started;
    started = performance.now();
    const response = await firebreak.app.request('/api/v2/alerts', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    });
    await response.arrayBuffer();
    http += performance.now() - started;
  }
  const per = (total: number) => `${(total / rounds).toFixed(3)} ms`;
  console.log(
    `one request at a time (${rounds} batches of ${BATCH}): JSON.parse ${per(parse)}, validation ${per(validate)}, fingerprints ${per(fingerprint)}, receiveAlerts (one transaction) ${per(receive)}, whole HTTP request in process ${per(http)}`,
  );
}

/**
 * The same load without Firebreak around its storage: CONNECTIONS loops, each running transactions of
 * Firebreak's own statements for one batch (the read of its 100 fingerprints, the upsert of its 50 new
 * alerts into the open incidents of their groups, and one timeline entry per incident they joined, as
 * Firebreak writes a storm: 10 per batch here, not one per alert), and nothing else: no HTTP,
 * validation, locks, correlation or settling: what writing each alert durably, as Firebreak stores it,
 * costs with one batch per transaction. It is a reference, not a bound: Firebreak's queue puts several
 * requests in one transaction (about four under this load), which shares each transaction's fixed work,
 * and since new alerts are no longer locked and read again it has sometimes gone past it. Without the
 * timeline entries: what they cost.
 */
async function storageFloor(
  db: Database,
  groupBy: readonly string[],
  seconds: number,
  withTimeline: boolean,
): Promise<{ alertsPerSecond: number; nodeMs: number; postgresMs: number; transactions: number }> {
  const incidentRows = await queryRows<{ id: string; group_key: string }>(
    db,
    sql`select id::text as id, group_key from incidents where closed_at is null and group_key is not null`,
  );
  const openByGroup = new Map(incidentRows.map((row) => [row.group_key, row]));
  const actor = SYSTEM_ACTOR;
  const deadline = performance.now() + seconds * 1000;
  let transactions = 0;
  const loop = async (worker: number) => {
    for (let round = 0; performance.now() < deadline; round++) {
      const now = new Date();
      const received = batch(`floor-${withTimeline ? 'timeline' : 'bare'}-${worker}`, round) as {
        labels: Record<string, string>;
        annotations: Record<string, string>;
        startsAt: string;
        endsAt: string;
        generatorURL: string;
      }[];
      const fingerprints = received.map((alert) => alertFingerprint(alert.labels));
      const writes: AlertRowWrite[] = [];
      const events: PendingEvent[] = [];
      received.slice(50).forEach((alert, index) => {
        // Where Firebreak puts it: the open incident of its group (the warm-up opened them).
        const incident = openByGroup.get(groupKeyOf(alert.labels, groupBy)) ?? incidentRows[index % Math.max(1, incidentRows.length)];
        const fingerprint = fingerprints[50 + index] ?? '';
        const state = {
          status: 'firing' as const,
          startsAt: new Date(alert.startsAt),
          endsAt: new Date(alert.endsAt),
          endsAtIsTimeout: false,
          annotations: alert.annotations,
          generatorUrl: alert.generatorURL,
          severity: 'sev1' as const,
        };
        writes.push({
          stored: false,
          fingerprint,
          labels: alert.labels,
          source: 'prometheus',
          state,
          groupKey: incident?.group_key ?? 'floor',
          incidentId: incident?.id ?? null,
          silenceId: null,
          inhibitedBy: null,
          flap: NOT_FLAPPING,
          resolvedAt: null,
        });
        if (incident && withTimeline)
          events.push({
            incidentId: incident.id,
            actor,
            event: { type: 'fired' },
            fingerprint,
            labels: alert.labels,
            state,
            joinedNew: false,
          });
      });
      // As Firebreak does: the first read beside BEGIN (on the lookup connections), the writes with kept plans.
      const read = firstLook(db, fingerprints, new Set(received.map((alert) => groupKeyOf(alert.labels, groupBy))));
      read.catch(() => undefined);
      await db.transaction(async (tx) => {
        await read;
        await planGenerically(tx, () => Promise.all([writeAlertRows(tx, writes, now), recordAlertEvents(tx, events)]));
      });
      transactions++;
    }
  };
  const postgresBefore = await postgresCpuMs();
  const nodeBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, (_, worker) => loop(worker)));
  const elapsed = (performance.now() - started) / 1000;
  const node = process.cpuUsage(nodeBefore);
  return {
    alertsPerSecond: (transactions * BATCH) / elapsed,
    nodeMs: (node.user + node.system) / 1000,
    postgresMs: (await postgresCpuMs()) - postgresBefore,
    transactions,
  };
}

export async function bench(): Promise<void> {
  const target = await createBenchDatabase();
  const dataDirectory = await mkdtemp(path.join(tmpdir(), 'firebreak-bench-'));
  const config = loadConfig({
    DATABASE_URL: target.url,
    DATA_DIR: dataDirectory,
    FIREBREAK_BOOTSTRAP_TOKEN: TOKEN,
    SCHEDULER_ENABLED: 'false',
    LOG_LEVEL: 'warn',
    PORT: '0',
    DATABASE_POOL_SIZE: process.env.BENCH_POOL_SIZE ?? '10',
    // REDACTION_ENABLED=false npm run bench alerts: the cost of redaction at ingest, by difference.
    REDACTION_ENABLED: process.env.REDACTION_ENABLED,
  });
  const firebreak = await createFirebreak(config, { logger: createLogger('warn') });
  const running = await listen(firebreak);
  const alertmanager = await startBinary(
    '/usr/bin/prometheus-alertmanager',
    { 'alertmanager.yml': "route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n" },
    (directory, port) => [
      `--config.file=${directory}/alertmanager.yml`,
      `--storage.path=${directory}/data`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
  );
  try {
    const { db } = firebreak.database;
    const { token } = await createToken(systemContext(db, config), { name: 'bench-ingest', role: 'ingest' });
    console.log(
      `wrk -t${THREADS} -c${CONNECTIONS}, Firebreak and Alertmanager in turns (${ROUNDS} runs of ${ROUND_SECONDS} s each), batches of ${BATCH} (50 refreshes of 50 known alerts + 50 new), Postgres via DATABASE_URL, pool ${config.DATABASE_POOL_SIZE}`,
    );
    console.log(
      `load average ${loadavg()
        .map((value) => value.toFixed(1))
        .join(' ')} on ${cpus().length} cores`,
    );

    const firebreakUrl = `http://127.0.0.1:${running.port}/api/v2/alerts`;
    const alertmanagerUrl = `http://127.0.0.1:${alertmanager.port}/api/v2/alerts`;
    // Warm up both (connection pool, the 50 known alerts and their incidents exist before measuring).
    // Firebreak's JIT needs the load itself for a while: in its third and fourth second under it, its
    // Node process spent 1.5 times the CPU per request it spends from about 15 s on (4.0 against 2.5-2.9
    // ms), and after a 2 s warm-up the first variant measured paid for that.
    // Alertmanager (Go, compiled ahead) gets the short warm-up only: every alert sent to it stays in
    // its memory, and a longer one would slow it down.
    await run('wrk', [
      `-t${THREADS}`,
      `-c${CONNECTIONS}`,
      `-d${WARM_UP_SECONDS}s`,
      '-s',
      SCRIPT,
      firebreakUrl,
      '--',
      token,
      'warm',
      'second',
    ]);
    await run('wrk', ['-t1', '-c2', '-d2s', '-s', SCRIPT, alertmanagerUrl, '--', token, 'warm', 'second']);

    let alertmanagerHeartbeats = 0;
    for (const mode of ['second', 'request'] as const) {
      const stats = async () =>
        (
          await queryRows<{ updates: number; hot: number; inserts: number }>(
            db,
            sql`select n_tup_upd::int as updates, n_tup_hot_upd::int as hot, n_tup_ins::int as inserts from pg_stat_user_tables where relname = 'alerts'`,
          )
        )[0];
      const before = await stats();
      // The two take turns, ROUNDS short runs each: this machine's speed drifts by a quarter from one
      // minute to the next, and turns make the drift weigh on both alike.
      const oursRuns: WrkResult[] = [];
      const theirsRuns: WrkResult[] = [];
      let nodeCpuMs = 0;
      let postgresCpu = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const postgresBefore = await postgresCpuMs();
        const nodeBefore = process.cpuUsage();
        oursRuns.push(await wrk(firebreakUrl, token, `fb-${mode}-${round}`, mode, ROUND_SECONDS));
        const nodeCpu = process.cpuUsage(nodeBefore);
        nodeCpuMs += (nodeCpu.user + nodeCpu.system) / 1000;
        postgresCpu += (await postgresCpuMs()) - postgresBefore;
        theirsRuns.push(await wrk(alertmanagerUrl, token, `am-${mode}-${round}`, mode, ROUND_SECONDS));
      }
      const ours = combined(oursRuns);
      const theirs = combined(theirsRuns);
      // pg_stat counters are flushed by backends at transaction end, with a short delay.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const after = await stats();
      if (mode === 'second') alertmanagerHeartbeats = theirs.requestsPerSecond * BATCH;
      const title = mode === 'second' ? 'refreshes move endsAt once a second (heartbeat)' : 'every refresh moves endsAt (a write each)';
      console.log(`\n${title}`);
      console.log(line('Firebreak (Postgres, durable)', ours));
      console.log(line('Alertmanager 0.25 (in memory)', theirs));
      const ratio = ours.requestsPerSecond / theirs.requestsPerSecond;
      console.log(
        `ratio Firebreak / Alertmanager: ${ratio.toFixed(2)} (target ≥ ${TARGET_RATIO}: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'})`,
      );
      const perRequest = (milliseconds: number) => `${(milliseconds / Math.max(1, ours.requests)).toFixed(2)} ms`;
      console.log(
        `CPU per request of ${BATCH}: Firebreak's Node ${perRequest(nodeCpuMs)}, Postgres ${perRequest(postgresCpu)} (2 cores shared with wrk; neither near 100% means the pipeline waits on round trips)`,
      );
      if (before && after) {
        const refreshes = ours.requests * 50;
        const updates = after.updates - before.updates;
        console.log(
          `alerts table during the run: ${after.inserts - before.inserts} rows inserted, ${updates} rows updated for ${refreshes} refreshes sent (${((100 * (refreshes - updates)) / Math.max(1, refreshes)).toFixed(1)}% skipped as unchanged), ${after.hot - before.hot} of the updates HOT`,
        );
      }
      console.log(`ingest transactions run again so far (firebreak_alert_ingest_retries_total): ${await ingestRetries()}`);
    }
    console.log(
      `\nFirebreak's storage alone: its statements for each batch of the heartbeat run, ${CONNECTIONS} transactions at a time, no HTTP, validation, locks or correlation`,
    );
    for (const withTimeline of [true, false]) {
      const floor = await storageFloor(db, alertSettingsFrom(config).groupBy, Number(DURATION), withTimeline);
      const perBatch = (milliseconds: number) => `${(milliseconds / Math.max(1, floor.transactions)).toFixed(2)} ms`;
      console.log(
        `${(withTimeline ? 'read + upsert + entry per incident' : 'read + upsert, no timeline entries').padEnd(34)} ${floor.alertsPerSecond.toFixed(0).padStart(7)} alerts/s = ${(floor.alertsPerSecond / Math.max(1, alertmanagerHeartbeats)).toFixed(2)} x Alertmanager on the heartbeat run; CPU per batch: Node ${perBatch(floor.nodeMs)}, Postgres ${perBatch(floor.postgresMs)}`,
      );
    }
    console.log('');
    await profileSteps(firebreak, token);
  } finally {
    await alertmanager.stop();
    await running.shutdown();
    await target.drop();
  }
}
