/**
 * OTLP/HTTP trace ingestion end to end: Firebreak as its own process (node server.ts, real Postgres;
 * BENCH_SERVER=compiled runs it compiled, as the container image does),
 * wrk with 8 connections POSTing protobuf ExportTraceServiceRequests of 512 spans (10 attributes and
 * one event per span, 1% errors with an exception). Prints accepted spans/s, the server's CPU (cores)
 * and peak RSS, checks that every accepted span was counted in the database, and measures in the same
 * run, on one core, the raw protobufjs decode rate of the same payload (the reference) and the
 * hand-written decoder the route uses.
 */
import { execFile, spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import postgres from 'postgres';
import { decodeTracesProtobuf } from '../../collector/otlp/index.ts';
import { decodeTracesProtobufjs } from '../oracles/decode-protobufjs.ts';
import { ExportTraceServiceRequest } from '../oracles/otlp-proto-schema.ts';
import { createBenchDatabase } from './database.ts';
import { buildTracePayload } from './otlp-payload.ts';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '../..');
const SCRIPT = path.join(here, 'traces-load.lua');
const SPANS_PER_REQUEST = 512;
const CONNECTIONS = 8;
const DURATION_SECONDS = Number(process.env.BENCH_TRACES_SECONDS ?? '15');
const ADMIN_TOKEN = `fbk_bench_admin_${'t'.repeat(40)}`;
const CLOCK_TICKS = 100;

/** Decodes per second × spans per request, over about `seconds` of one core. */
function decodeRate(decode: () => unknown, seconds = 3): number {
  for (let i = 0; i < 200; i++) decode();
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    for (let i = 0; i < 20; i++) decode();
    count += 20;
  }
  return (count * SPANS_PER_REQUEST) / ((performance.now() - started) / 1000);
}

async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat; here counted after the ") ".
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

interface WrkResult {
  requests: number;
  refused: number;
  seconds: number;
  p50: string;
  p99: string;
}

async function wrk(url: string, payloadFile: string, token: string, encoding: string): Promise<WrkResult> {
  const { stdout } = await run(
    'wrk',
    ['-t2', `-c${CONNECTIONS}`, `-d${DURATION_SECONDS}s`, '--latency', '-s', SCRIPT, url, '--', payloadFile, token, encoding],
    { maxBuffer: 1 << 20 },
  );
  const requests = Number(/(\d+) requests in ([\d.]+)(s|m)/.exec(stdout)?.[1] ?? 0);
  const duration = /\d+ requests in ([\d.]+)(s|m)/.exec(stdout);
  const seconds = duration ? Number(duration[1]) * (duration[2] === 'm' ? 60 : 1) : DURATION_SECONDS;
  const refused = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
  return { requests, refused, seconds, p50: /^\s+50%\s+(\S+)/m.exec(stdout)?.[1] ?? '?', p99: /^\s+99%\s+(\S+)/m.exec(stdout)?.[1] ?? '?' };
}

/**
 * The server as `npm start` runs it (through the TypeScript loader), or with BENCH_SERVER=compiled as
 * the container image runs it: compiled by tsc with tsconfig.build.json, plus the files the image
 * copies beside the code, into dist/bench. The loader alone holds about 60 MB of the resident memory.
 */
async function serverArguments(): Promise<string[]> {
  if (process.env.BENCH_SERVER !== 'compiled') return ['--import', 'tsx', 'server.ts'];
  const out = path.join(ROOT, 'dist', 'bench');
  await rm(out, { recursive: true, force: true });
  await run(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json', '--outDir', out], { cwd: ROOT });
  await cp(path.join(ROOT, 'dashboards', 'assets'), path.join(out, 'dashboards', 'assets'), { recursive: true });
  await cp(path.join(ROOT, 'platform', 'database', 'migrations'), path.join(out, 'platform', 'database', 'migrations'), {
    recursive: true,
  });
  await cp(path.join(ROOT, 'package.json'), path.join(out, 'package.json'));
  return [path.join(out, 'server.js')];
}

async function startServer(databaseUrl: string): Promise<{ pid: number; port: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, await serverArguments(), {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      FIREBREAK_BOOTSTRAP_TOKEN: ADMIN_TOKEN,
      LOG_LEVEL: 'info',
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const match = /"url":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(buffer);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`firebreak exited with ${code} before listening:\n${buffer.slice(-2000)}`)));
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('no pid for the firebreak process');
  return {
    pid,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export async function bench(): Promise<void> {
  const payload = Buffer.from(buildTracePayload({ spans: SPANS_PER_REQUEST, errorEvery: 100 }));
  const gzipped = gzipSync(payload);
  console.log(
    `payload: ${SPANS_PER_REQUEST} spans, 10 attributes and 1 event each; ${payload.length} bytes protobuf, ${gzipped.length} gzipped`,
  );

  // The reference: protobufjs decoding this payload on one core (the issue quotes 155k-173k spans/s here).
  const protobufjsRaw = decodeRate(() => ExportTraceServiceRequest.decode(payload));
  const protobufjsToValues = decodeRate(() => decodeTracesProtobufjs(payload));
  const handWritten = decodeRate(() => decodeTracesProtobuf(payload));
  console.log(
    `decode, one core: protobufjs Type.decode ${Math.round(protobufjsRaw)} spans/s (reference); protobufjs + conversion ${Math.round(protobufjsToValues)} spans/s; hand-written decoder ${Math.round(handWritten)} spans/s (${(handWritten / protobufjsRaw).toFixed(1)}x the reference)`,
  );

  const database = await createBenchDatabase();
  const folder = await mkdtemp(path.join(tmpdir(), 'firebreak-traces-bench-'));
  const plainFile = path.join(folder, 'payload.pb');
  const gzipFile = path.join(folder, 'payload.pb.gz');
  await writeFile(plainFile, payload);
  await writeFile(gzipFile, gzipped);
  const server = await startServer(database.url);
  console.log(
    `server: ${process.env.BENCH_SERVER === 'compiled' ? 'compiled, as the container image runs it' : 'through tsx, as npm start runs it'}`,
  );
  try {
    const base = `http://127.0.0.1:${server.port}`;
    const created = await fetch(`${base}/api/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench-ingest', role: 'ingest' }),
    });
    const { token } = (await created.json()) as { token: string };
    let accepted = 0;
    for (const [name, file, encoding] of [
      ['protobuf', plainFile, ''],
      ['protobuf + gzip', gzipFile, 'gzip'],
    ] as const) {
      const cpuBefore = await cpuSeconds(server.pid);
      const result = await wrk(`${base}/v1/traces`, file, token, encoding);
      const cpu = (await cpuSeconds(server.pid)) - cpuBefore;
      const spans = (result.requests - result.refused) * SPANS_PER_REQUEST;
      accepted += spans;
      console.log(
        `${name.padEnd(16)} ${Math.round(spans / result.seconds)
          .toString()
          .padStart(8)} spans/s accepted   ${(cpu / result.seconds).toFixed(2)} cores   ` +
          `peak RSS ${(await peakRssMb(server.pid)).toFixed(0)} MB   p50 ${result.p50} p99 ${result.p99}   (${result.requests} requests, ${result.refused} refused with 429/503)`,
      );
    }
    await server.stop();
    // The last flush ran at shutdown: every accepted span is counted exactly once in the windows.
    const sql = postgres(database.url, { max: 1, onnotice: () => undefined });
    const [row] = await sql<{ total: string }[]>`select coalesce(sum(requests), 0)::text as total from service_windows`;
    const [windows] = await sql<{ rows: string }[]>`select count(*)::text as rows from service_windows`;
    await sql.end();
    // wrk stops counting with up to one request per connection still in flight; the server finishes those.
    const inFlight = Number(row?.total) - accepted;
    const consistent = inFlight >= 0 && inFlight <= 2 * CONNECTIONS * SPANS_PER_REQUEST;
    console.log(
      `database: ${row?.total} spans counted in ${windows?.rows} window rows; wrk saw ${accepted} accepted, plus ${inFlight / SPANS_PER_REQUEST} requests in flight when it stopped (${consistent ? 'consistent' : 'MISMATCH'})`,
    );
  } finally {
    await server.stop().catch(() => undefined);
    await database.drop();
  }
}
