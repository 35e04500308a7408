/**
 * `npm run bench export`: exports a large install (200,000 alerts, 5,000 incidents with timelines)
 * with `firebreak export` in a process of its own, and prints its time and peak RSS (GNU time's
 * "Maximum resident set size"), beside the RSS of the same command exporting one small kind: a flat
 * memory use shows as the two being close.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { openDatabase, runMigrations } from '../../platform/index.ts';
import { createBenchDatabase } from './database.ts';

const ALERTS = Number(process.env.BENCH_EXPORT_ALERTS ?? 200_000);
const INCIDENTS = Number(process.env.BENCH_EXPORT_INCIDENTS ?? 5_000);
const CLI = path.resolve(import.meta.dirname, '../../bin/firebreak.js');

async function exportPeak(url: string, kinds: string | null): Promise<{ seconds: number; peakMb: number }> {
  const out = await mkdtemp(path.join(tmpdir(), 'firebreak-bench-export-'));
  try {
    const started = performance.now();
    const args = ['-v', process.execPath, CLI, 'export', '--out', out, ...(kinds ? ['--kinds', kinds] : [])];
    const { stderr } = await promisify(execFile)('/usr/bin/time', args, {
      env: { ...process.env, DATABASE_URL: url, DATA_DIR: out, LOG_LEVEL: 'silent' },
      maxBuffer: 16 * 1024 * 1024,
    });
    const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1]);
    return { seconds: (performance.now() - started) / 1000, peakMb: kb / 1024 };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

export async function bench(): Promise<void> {
  const database = await createBenchDatabase();
  const handle = await openDatabase({ url: database.url, poolSize: 2 });
  try {
    await runMigrations(handle);
    const db = handle.db;
    await db.execute(sql`
      insert into incidents (title, summary, severity, phase, source, started_at, detected_at, labels)
      select 'Checkout errors ' || n, 'Summary of incident ' || n, 'sev2', 'detection', 'alertmanager',
             now() - interval '1 day', now() - interval '1 day', jsonb_build_object('service', 'svc-' || (n % 50))
      from generate_series(1, ${INCIDENTS}) as n`);
    await db.execute(sql`
      insert into timeline_events (incident_id, type, actor_type, actor_id, actor_name, occurred_at, data)
      select i.id, 'note.added', 'user', 'u1', 'Ana', now() - interval '1 hour', jsonb_build_object('text', 'step ' || s)
      from incidents i, generate_series(1, 5) as s`);
    await db.execute(sql`
      insert into alerts (fingerprint, labels, annotations, severity, status, starts_at, source, group_key, incident_id)
      select md5(n::text), jsonb_build_object('alertname', 'HighLatency', 'instance', 'host-' || n, 'service', 'svc-' || (n % 50)),
             jsonb_build_object('summary', 'p99 above 500 ms on host-' || n), 'warning', 'firing', now() - interval '2 hours',
             'alertmanager', 'group-' || (n % 500), (select id from incidents where number = 1 + n % ${INCIDENTS})
      from generate_series(1, ${ALERTS}) as n`);
    console.log(`seeded ${ALERTS} alerts, ${INCIDENTS} incidents, ${INCIDENTS * 5} timeline events`);

    const small = await exportPeak(database.url, 'users');
    console.log(`export --kinds users:  ${small.seconds.toFixed(1)} s, peak RSS ${small.peakMb.toFixed(0)} MB (the process's floor)`);
    const alerts = await exportPeak(database.url, 'alerts');
    console.log(`export --kinds alerts: ${alerts.seconds.toFixed(1)} s, peak RSS ${alerts.peakMb.toFixed(0)} MB (${ALERTS} alerts)`);
    const all = await exportPeak(database.url, null);
    console.log(`export (every kind):   ${all.seconds.toFixed(1)} s, peak RSS ${all.peakMb.toFixed(0)} MB`);
  } finally {
    await handle.close();
    await database.drop();
  }
}
