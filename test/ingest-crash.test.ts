import type { ChildProcessByStdio } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { webhookFixture } from './harness/alert-fixtures.ts';
import { TEST_ADMIN_TOKEN } from './harness/app.ts';
import { createEmptyPostgresDatabase, databaseBackends } from './harness/database.ts';

/**
 * Issue 19: an alert is durable before Firebreak answers. Clients post as fast as they can, the server
 * is killed with SIGKILL mid-stream, and after a restart on the same data every acknowledged alert is
 * there, in an incident, with the audit chain intact; a batch that was not acknowledged is whole or absent.
 */

const cli = path.resolve(import.meta.dirname, '..', 'bin', 'firebreak.js');
const CLIENTS = 6;
const ALERTS_PER_BATCH = 20;
/** Kill once this many batches were acknowledged (not at a fixed time: the machine may be slow). */
const ACKNOWLEDGED_BEFORE_KILL = 60;
const ALERTNAME = 'DurabilityProbe';

interface Server {
  child: ChildProcessByStdio<null, Readable, Readable>;
  url: string;
  exited: Promise<NodeJS.Signals | number | null>;
}

async function serve(env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, [cli, 'serve'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', LOG_FORMAT: 'json', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  // Only what comes before the start line is kept: the request log after it is not needed.
  child.stdout.on('data', (chunk: Buffer) => {
    if (!output.includes('firebreak listening')) output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  // The JSON log's start line carries the URL (the pretty banner is for terminals).
  const url = await new Promise<string>((resolve, reject) => {
    const look = () => {
      for (const line of output.split('\n').slice(0, -1)) {
        const entry = line.startsWith('{') ? (JSON.parse(line) as { msg?: string; url?: string }) : {};
        if (entry.msg === 'firebreak listening' && entry.url) {
          child.stdout.off('data', look);
          resolve(entry.url);
          return;
        }
      }
    };
    child.stdout.on('data', look);
    void exited.then((code) => reject(new Error(`serve ended (${code}) before listening: ${output}${errors}`)));
  });
  return { child, url, exited };
}

async function call(server: Server, token: string, method: string, route: string, body?: unknown): Promise<Response> {
  return fetch(`${server.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function json<T>(response: Response, status = 200): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return JSON.parse(text) as T;
}

function labelsOf(batch: string, service: string, index: number): Record<string, string> {
  return { alertname: ALERTNAME, service, batch, instance: `host-${index}` };
}

/** The batch as one request: every other batch through the webhook, the rest through API v2. */
function requestFor(client: number, sequence: number): { batch: string; route: string; body: unknown } {
  const batch = `c${client}-b${sequence}`;
  const service = `durability-${client}`;
  const startsAt = new Date().toISOString();
  const indexes = Array.from({ length: ALERTS_PER_BATCH }, (_, index) => index);
  if (sequence % 2 === 0) {
    return {
      batch,
      route: '/api/v2/alerts',
      body: indexes.map((index) => ({
        labels: labelsOf(batch, service, index),
        annotations: { summary: 'durability probe' },
        startsAt,
        generatorURL: 'http://prometheus.example:9090/graph',
      })),
    };
  }
  const template = webhookFixture('01-firing');
  return {
    batch,
    route: '/ingest/alertmanager',
    body: {
      ...template,
      groupKey: `{}:{service="${service}"}`,
      groupLabels: { service },
      commonLabels: { alertname: ALERTNAME, service },
      commonAnnotations: {},
      truncatedAlerts: 0,
      alerts: indexes.map((index) => ({
        status: 'firing',
        labels: labelsOf(batch, service, index),
        annotations: { summary: 'durability probe' },
        startsAt,
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.example:9090/graph',
      })),
    },
  };
}

interface Traffic {
  /** Batches answered 2xx. */
  acknowledged: Set<string>;
  /** Every batch sent, answered or not. */
  sent: Set<string>;
  /** Answers that were neither 2xx nor a lost connection: the test fails on them. */
  refusals: string[];
}

/** Clients posting until the server dies; `enough` resolves once `threshold` batches were acknowledged. */
function startTraffic(server: Server, token: string, threshold: number): { traffic: Traffic; enough: Promise<void>; done: Promise<void> } {
  const traffic: Traffic = { acknowledged: new Set(), sent: new Set(), refusals: [] };
  let reached: () => void = () => undefined;
  const enough = new Promise<void>((resolve) => (reached = resolve));
  const client = async (id: number) => {
    for (let sequence = 0; ; sequence += 1) {
      const { batch, route, body } = requestFor(id, sequence);
      traffic.sent.add(batch);
      let response: Response;
      try {
        response = await call(server, token, 'POST', route, body);
        await response.arrayBuffer();
      } catch {
        return; // The server is gone: this batch was not acknowledged.
      }
      if (response.ok) {
        traffic.acknowledged.add(batch);
        if (traffic.acknowledged.size >= threshold) reached();
      } else {
        traffic.refusals.push(`${batch}: ${response.status}`);
        reached();
        return;
      }
    }
  };
  const done = Promise.all(Array.from({ length: CLIENTS }, (_, id) => client(id))).then(() => undefined);
  return { traffic, enough, done };
}

interface ListedAlert {
  labels: Record<string, string>;
  incidentId: string | null;
}

async function storedProbeAlerts(server: Server): Promise<ListedAlert[]> {
  const alerts: ListedAlert[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ filter: `alertname="${ALERTNAME}"`, limit: '500' });
    if (cursor) query.set('cursor', cursor);
    const page: { alerts: ListedAlert[]; nextCursor: string | null } = await json(
      await call(server, TEST_ADMIN_TOKEN, 'GET', `/api/alerts?${query.toString()}`),
    );
    alerts.push(...page.alerts);
    cursor = page.nextCursor;
  } while (cursor);
  return alerts;
}

async function killMidStreamAndCheck(env: Record<string, string>): Promise<void> {
  const first = await serve({ ...env, FIREBREAK_BOOTSTRAP_TOKEN: TEST_ADMIN_TOKEN });
  let second: Server | null = null;
  try {
    const { token } = await json<{ token: string }>(
      await call(first, TEST_ADMIN_TOKEN, 'POST', '/api/tokens', { name: 'durability-probe', role: 'ingest' }),
      201,
    );
    const { traffic, enough, done } = startTraffic(first, token, ACKNOWLEDGED_BEFORE_KILL);
    await enough;
    process.kill(first.child.pid ?? 0, 'SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    await done;
    expect(traffic.refusals).toEqual([]);
    // Requests were in flight when it died: some batches were sent and never answered.
    expect(traffic.sent.size).toBeGreaterThan(traffic.acknowledged.size);

    second = await serve(env);
    const byBatch = new Map<string, ListedAlert[]>();
    for (const alert of await storedProbeAlerts(second)) {
      const batch = alert.labels.batch ?? '';
      byBatch.set(batch, [...(byBatch.get(batch) ?? []), alert]);
    }
    const missing = [...traffic.acknowledged].filter((batch) => (byBatch.get(batch)?.length ?? 0) !== ALERTS_PER_BATCH);
    expect(missing, 'acknowledged batches lost or incomplete after SIGKILL').toEqual([]);
    const partial = [...byBatch].filter(([batch, alerts]) => !traffic.sent.has(batch) || alerts.length !== ALERTS_PER_BATCH);
    expect(partial.map(([batch, alerts]) => `${batch}: ${alerts.length}`)).toEqual([]);

    const incidentIds = new Set<string>();
    for (const batch of traffic.acknowledged) {
      for (const alert of byBatch.get(batch) ?? []) {
        expect(alert.incidentId, `an alert of ${batch} has no incident`).not.toBeNull();
        incidentIds.add(alert.incidentId ?? '');
      }
    }
    for (const id of incidentIds) {
      await json(await call(second, TEST_ADMIN_TOKEN, 'GET', `/api/incidents/${id}`));
    }
    const audit = await json<{ ok: boolean; problems: unknown[] }>(await call(second, TEST_ADMIN_TOKEN, 'GET', '/api/audit/verify'));
    expect(audit.problems).toEqual([]);
    expect(audit.ok).toBe(true);
  } finally {
    if (first.child.exitCode === null && first.child.signalCode === null) first.child.kill('SIGKILL');
    if (second) {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  }
}

describe('a SIGKILL during alert ingest', () => {
  it('loses nothing acknowledged on the embedded database (PGlite recovers from its WAL)', async () => {
    const dataDirectory = await mkdtemp(path.join(tmpdir(), 'firebreak-crash-'));
    try {
      await killMidStreamAndCheck({ DATA_DIR: dataDirectory });
    } finally {
      await rm(dataDirectory, { recursive: true, force: true });
    }
  });

  it.runIf(databaseBackends.includes('postgres'))('loses nothing acknowledged on Postgres', async () => {
    const database = await createEmptyPostgresDatabase();
    const dataDirectory = await mkdtemp(path.join(tmpdir(), 'firebreak-crash-'));
    try {
      await killMidStreamAndCheck({ DATA_DIR: dataDirectory, DATABASE_URL: database.url });
    } finally {
      await database.drop();
      await rm(dataDirectory, { recursive: true, force: true });
    }
  });
});
