/**
 * Dashboard figures, against real Postgres over real HTTP:
 * - the incident page of an incident with 10,000 timeline events (rendered with its newest page of
 *   events, the rest a page at a time): time to answer, target under 300 ms;
 * - 200 live viewers (server-sent events) of one incident: time from a note's commit to each viewer
 *   receiving it, target under 1 s.
 */
import { addNote, appendTimelineEvent, declareIncident } from '../../incidents/index.ts';
import { createLogger, loadConfig, openDatabase, SYSTEM_ACTOR, systemContext } from '../../platform/index.ts';
import { createFirebreak, listen } from '../../server.ts';
import { createDashboardUser, logIn } from '../harness/dashboard-session.ts';
import { createBenchDatabase } from './database.ts';

const EVENTS = 10_000;
const PAGE_RUNS = 100;
const VIEWERS = 200;
const ROUNDS = 5;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

interface Viewer {
  received: Map<string, number>;
  ready: Promise<void>;
  close(): void;
}

/** One live viewer: reads the event stream and notes when each marker text arrived. */
function openViewer(url: string, cookie: string, markers: string[]): Viewer {
  const controller = new AbortController();
  const received = new Map<string, number>();
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  void (async () => {
    const response = await fetch(url, { headers: { cookie, accept: 'text/event-stream' }, signal: controller.signal });
    const reader = response.body?.getReader();
    if (!reader) throw new Error(`no stream (${response.status})`);
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      if (buffer.includes('event: ready')) markReady();
      for (const marker of markers) if (!received.has(marker) && buffer.includes(marker)) received.set(marker, performance.now());
      // Keep only the tail: a marker can straddle two chunks.
      if (buffer.length > 4096) buffer = buffer.slice(-1024);
    }
  })().catch((error: unknown) => {
    if ((error as Error).name !== 'AbortError') console.error('viewer failed:', (error as Error).message);
    markReady();
  });
  return { received, ready, close: () => controller.abort() };
}

export async function bench(): Promise<void> {
  const database = await createBenchDatabase();
  const config = loadConfig({
    DATABASE_URL: database.url,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    SCHEDULER_ENABLED: 'false',
    PUBLIC_URL: 'http://firebreak.test',
    DATABASE_POOL_SIZE: '10',
  });
  const handle = await openDatabase({ url: database.url, poolSize: 10 });
  const firebreak = await createFirebreak(config, { database: handle, logger: createLogger('warn') });
  const running = await listen(firebreak);
  const base = `http://127.0.0.1:${running.port}`;
  try {
    const db = firebreak.database.db;
    const incident = await declareIncident(systemContext(db, config), {
      title: 'Long-running incident',
      severity: 'sev1',
      services: ['checkout'],
    });
    const reference = `INC-${incident.number}`;
    const seeding = performance.now();
    for (let batch = 0; batch < EVENTS / 500; batch++) {
      await db.transaction(async (tx) => {
        for (let index = 0; index < 500; index++) {
          await appendTimelineEvent(tx, SYSTEM_ACTOR, {
            incidentId: incident.id,
            type: 'note.added',
            data: { text: `Event ${batch * 500 + index}: status update from the responders`, source: 'api' },
          });
        }
      });
    }
    console.log(`seeded ${EVENTS} timeline events in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);

    const user = await createDashboardUser(firebreak, 'commander', 'bench@example.com');
    const { browser } = await logIn(firebreak, user);
    const cookie = browser.jar.header();

    // The incident page, over HTTP, as a browser asks for it.
    const pageUrl = `${base}/incidents/${reference}`;
    let bytes = 0;
    for (let warmup = 0; warmup < 5; warmup++) bytes = (await (await fetch(pageUrl, { headers: { cookie } })).text()).length;
    const pageTimes: number[] = [];
    for (let run = 0; run < PAGE_RUNS; run++) {
      const started = performance.now();
      const response = await fetch(pageUrl, { headers: { cookie } });
      await response.text();
      if (response.status !== 200) throw new Error(`page answered ${response.status}`);
      pageTimes.push(performance.now() - started);
    }
    pageTimes.sort((a, b) => a - b);
    console.log(
      `incident page, ${EVENTS} events (${bytes} bytes, newest 100 events shown): p50 ${ms(percentile(pageTimes, 50))}, p99 ${ms(percentile(pageTimes, 99))}, max ${ms(pageTimes.at(-1) ?? Number.NaN)} over ${PAGE_RUNS} requests (target < 300 ms)`,
    );
    const olderTimes: number[] = [];
    for (let run = 0; run < 20; run++) {
      const started = performance.now();
      await (await fetch(`${pageUrl}?before=${5000 + run}`, { headers: { cookie } })).text();
      olderTimes.push(performance.now() - started);
    }
    olderTimes.sort((a, b) => a - b);
    console.log(`an older timeline page (?before=): p50 ${ms(percentile(olderTimes, 50))}, p99 ${ms(percentile(olderTimes, 99))}`);

    // 200 live viewers of the incident; a note is committed, each viewer's delay is measured.
    const markers = Array.from({ length: ROUNDS }, (_, round) => `bench-live-marker-${round}-${Date.now()}`);
    const viewers = Array.from({ length: VIEWERS }, () => openViewer(`${pageUrl}/live`, cookie, markers));
    await Promise.all(viewers.map((viewer) => viewer.ready));
    const latencies: number[] = [];
    let missing = 0;
    for (const marker of markers) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await addNote(systemContext(db, config), incident.id, { text: marker, source: 'api' });
      const committed = performance.now();
      const deadline = committed + 5000;
      while (performance.now() < deadline && viewers.some((viewer) => !viewer.received.has(marker)))
        await new Promise((resolve) => setTimeout(resolve, 10));
      for (const viewer of viewers) {
        const at = viewer.received.get(marker);
        if (at === undefined) missing++;
        else latencies.push(Math.max(0, at - committed));
      }
    }
    for (const viewer of viewers) viewer.close();
    latencies.sort((a, b) => a - b);
    const within = latencies.filter((latency) => latency < 1000).length;
    console.log(
      `${VIEWERS} live viewers × ${ROUNDS} notes: commit → viewer p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}, max ${ms(latencies.at(-1) ?? Number.NaN)}; ${within}/${VIEWERS * ROUNDS} within 1 s, ${missing} missed (target: all within 1 s)`,
    );
  } finally {
    await running.shutdown();
    await database.drop();
  }
}
