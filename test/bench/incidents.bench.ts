/**
 * Timeline and incident-list reads on real Postgres: an incident with 10,000 timeline events and a
 * list of 10,000 incidents, measured through the domain functions and through the HTTP API
 * (authentication, validation and JSON included). Target: p99 under 50 ms.
 */
import { mkdtemp } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { listIncidents, listTimeline } from '../../incidents/index.ts';
import { createLogger, loadConfig, openDatabase, queryRows } from '../../platform/index.ts';
import { createFirebreak } from '../../server.ts';
import { createBenchDatabase } from './database.ts';

const INCIDENTS = 10_000;
const EVENTS = 10_000;
const WARMUP = 50;
const SAMPLES = 500;
const TOKEN = `fbk_bench_admin_${'b'.repeat(40)}`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function measure(name: string, run: () => Promise<unknown>): Promise<void> {
  for (let index = 0; index < WARMUP; index++) await run();
  const times: number[] = [];
  for (let index = 0; index < SAMPLES; index++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const p99 = percentile(times, 99);
  console.log(
    `${name.padEnd(58)} p50 ${percentile(times, 50).toFixed(2).padStart(6)} ms   p99 ${p99.toFixed(2).padStart(6)} ms   max ${(times.at(-1) ?? 0).toFixed(2).padStart(6)} ms   ${p99 < 50 ? 'under' : 'OVER'} 50 ms`,
  );
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
  });
  const database = await openDatabase({ url: target.url, poolSize: 5 });
  const firebreak = await createFirebreak(config, { database, logger: createLogger('warn') });
  const { db } = database;
  try {
    const seeding = performance.now();
    await db.execute(sql`
      insert into incidents (title, severity, phase, source, services, labels, started_at, detected_at, created_at, closed_at)
      select 'Incident ' || n,
             (array['sev1','sev2','sev3','sev4'])[1 + n % 4],
             (array['preparation','identification','containment','eradication','recovery','root_cause_analysis'])[1 + n % 6],
             'alert', array['service-' || (n % 40)], '{}'::jsonb,
             now() - (n || ' minutes')::interval, now() - (n || ' minutes')::interval, now() - (n || ' minutes')::interval,
             case when n % 3 = 0 then now() - (n || ' minutes')::interval + interval '2 hours' end
      from generate_series(1, ${INCIDENTS}) as n`);
    const [busy] = await queryRows<{ id: string }>(db, sql`select id from incidents order by created_at desc limit 1`);
    if (!busy) throw new Error('seeding failed');
    await db.execute(sql`
      insert into timeline_events (incident_id, type, actor_type, actor_id, actor_name, occurred_at, data)
      select ${busy.id}, (array['alert.fired','note.added','checklist.item_completed','alert.resolved'])[1 + n % 4], 'system', 'firebreak', 'Firebreak',
             now() - ((${EVENTS} - n) || ' seconds')::interval, jsonb_build_object('n', n, 'text', repeat('x', 120))
      from generate_series(1, ${EVENTS}) as n`);
    // Ordinary background noise: other incidents' events interleaved in the same table.
    await db.execute(sql`
      insert into timeline_events (incident_id, type, actor_type, actor_id, actor_name, occurred_at, data)
      select id, 'incident.opened', 'system', 'firebreak', 'Firebreak', created_at, '{}'::jsonb from incidents`);
    await db.execute(sql`analyze incidents`);
    await db.execute(sql`analyze timeline_events`);
    console.log(
      `seeded ${INCIDENTS} incidents and ${EVENTS} events on one of them in ${((performance.now() - seeding) / 1000).toFixed(1)} s (Postgres, ${SAMPLES} samples each)`,
    );
    // Tails depend on what else the machine runs; the load says how busy it was.
    console.log(
      `load average ${loadavg()
        .map((value) => value.toFixed(1))
        .join(' ')} on ${cpus().length} cores`,
    );

    const secondPage = await listTimeline(db, busy.id, { limit: 200 });
    const listPage = await listIncidents(db, { status: 'all', limit: 50 });
    await measure('listTimeline: first page (200 of 10,000 events)', () => listTimeline(db, busy.id, { limit: 200 }));
    await measure('listTimeline: page after event 5,000', () =>
      listTimeline(db, busy.id, { after: (secondPage.events[0]?.id ?? 0) + 5000, limit: 200 }),
    );
    await measure('listIncidents: first page (50 of 10,000)', () => listIncidents(db, { status: 'all', limit: 50 }));
    await measure('listIncidents: open, severity sev1, first page', () =>
      listIncidents(db, { status: 'open', severity: 'sev1', limit: 50 }),
    );
    await measure('listIncidents: second page by cursor', () =>
      listIncidents(db, { status: 'all', limit: 50, cursor: listPage.nextCursor ?? undefined }),
    );

    // What the server itself spends, apart from the client and the machine's load: plan and execution time.
    const explain = async (name: string, query: ReturnType<typeof sql>) => {
      const [row] = await queryRows<{
        'QUERY PLAN': [
          {
            Plan: { 'Node Type': string; Plans?: { 'Node Type': string; 'Index Name'?: string }[]; 'Index Name'?: string };
            'Execution Time': number;
          },
        ];
      }>(db, sql`explain (analyze, format json) ${query}`);
      const plan = row?.['QUERY PLAN'][0];
      const node = plan?.Plan.Plans?.[0] ?? plan?.Plan;
      console.log(
        `${name.padEnd(58)} server execution ${plan?.['Execution Time'].toFixed(2)} ms via ${node?.['Node Type']}${node?.['Index Name'] ? ` on ${node['Index Name']}` : ''}`,
      );
    };
    await explain('timeline first page', sql`select * from timeline_events where incident_id = ${busy.id} order by id limit 200`);
    await explain('incident list first page', sql`select * from incidents order by created_at desc, id desc limit 51`);

    const headers = { authorization: `Bearer ${TOKEN}` };
    const get = async (url: string) => {
      const response = await firebreak.app.request(url, { headers });
      if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
      await response.arrayBuffer();
    };
    await measure('GET /api/incidents/:id/timeline (first page, 200 events)', () => get(`/api/incidents/${busy.id}/timeline`));
    await measure('GET /api/incidents (first page, 50 incidents)', () => get('/api/incidents'));
    await measure('GET /api/incidents?status=open&phase=recovery', () => get('/api/incidents?status=open&phase=recovery'));
  } finally {
    await firebreak.close();
    await target.drop();
  }
}
