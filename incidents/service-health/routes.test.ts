import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { RETENTION_JOB } from '../../platform/index.ts';
import { createTestFirebreak, type TestFirebreak } from '../../test/harness/app.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import { serverSpansJson } from '../../test/harness/otlp-spans.ts';

const AT = Date.parse('2026-11-21T04:40:00Z');

/** SERVER spans ending at AT unless told otherwise. */
const spansJson = (service: string, durationsMs: number[], errors = 0, endMs = AT) => serverSpansJson(service, durationsMs, errors, endMs);

interface SloBody {
  id: string;
  name: string;
  source: string;
  objective: number;
}

describeOnBackends('services and SLO routes', (backend) => {
  const ingest = async (firebreak: TestFirebreak, body: unknown) => {
    const response = await firebreak.request('POST', '/v1/traces', { token: await firebreak.tokenFor('ingest'), json: body });
    expect(response.status).toBe(200);
  };

  it('creates, replaces, lists and deletes SLOs, and refuses invalid ones naming the field', async ({ firebreak }) => {
    const input = { service: 'search', name: 'availability', indicator: 'availability', objective: 0.999 };
    const created = await firebreak.request('PUT', '/api/slos', { json: input });
    expect(created.status).toBe(201);
    const slo = (await created.json()) as SloBody;
    expect(slo).toMatchObject({ name: 'availability', source: 'api', objective: 0.999 });
    const replaced = await firebreak.request('PUT', '/api/slos', { json: { ...input, objective: 0.99 } });
    expect(replaced.status).toBe(200);
    expect(((await replaced.json()) as SloBody).id).toBe(slo.id);
    const listed = (await (await firebreak.request('GET', '/api/slos?service=search')).json()) as { slos: SloBody[] };
    expect(listed.slos.map((item) => item.objective)).toEqual([0.99]);

    const cases: [unknown, RegExp][] = [
      [{ ...input, objective: 1 }, /objective.*below 1/],
      [{ ...input, indicator: 'latency' }, /thresholdMs.*required/],
      [{ ...input, indicator: 'latency', thresholdMs: 123 }, /thresholdMs.*100, 150/],
      [{ ...input, name: 'has spaces' }, /name/],
    ];
    for (const [body, message] of cases) {
      const response = await firebreak.request('PUT', '/api/slos', { json: body });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(message);
    }

    expect((await firebreak.request('DELETE', `/api/slos/${slo.id}`)).status).toBe(204);
    expect((await firebreak.request('DELETE', `/api/slos/${slo.id}`)).status).toBe(404);
    const audit = (await (await firebreak.request('GET', '/api/audit?limit=20')).json()) as { entries: { action: string }[] };
    expect(audit.entries.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(['services.slo.create', 'services.slo.update', 'services.slo.delete']),
    );
  });

  it('asks for the right permissions', async ({ firebreak }) => {
    const viewer = await firebreak.tokenFor('viewer');
    const ingestToken = await firebreak.tokenFor('ingest');
    const body = { service: 'search', name: 'availability', indicator: 'availability', objective: 0.99 };
    expect((await firebreak.request('GET', '/api/services', { token: viewer })).status).toBe(200);
    expect((await firebreak.request('GET', '/api/slos', { token: viewer })).status).toBe(200);
    const forbidden = await firebreak.request('PUT', '/api/slos', { token: viewer, json: body });
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { error: { message: string } }).error.message).toContain('slos:write');
    expect((await firebreak.request('PUT', '/api/slos', { token: await firebreak.tokenFor('commander'), json: body })).status).toBe(201);
    expect((await firebreak.request('GET', '/api/services', { token: ingestToken })).status).toBe(403);
    expect((await firebreak.request('GET', '/api/services', { token: null })).status).toBe(401);
    expect((await firebreak.request('GET', '/api/incidents/INC-999/traces')).status).toBe(404);
    expect((await firebreak.request('GET', '/api/services?windowMinutes=0')).status).toBe(400);
  });

  it('reports rate, error ratio and latency percentiles per service, and a latency SLO burning slowly opens a ticket', async ({
    firebreak,
  }) => {
    // 100 requests: 80 at 40 ms, 20 at 600 ms; 5 errors.
    await ingest(firebreak, spansJson('search', [...new Array<number>(80).fill(40), ...new Array<number>(20).fill(600)], 5));
    const put = await firebreak.request('PUT', '/api/slos', {
      json: { service: 'search', name: 'fast', indicator: 'latency', objective: 0.95, thresholdMs: 500 },
    });
    expect(put.status).toBe(201);
    // 20% slower than 500 ms against a 5% budget: a burn rate of 4, below both page rules, above the ticket rule.
    await firebreak.scheduler.runJob('slo-evaluation', new Date(AT + 1000));
    const response = await firebreak.request('GET', `/api/services?windowMinutes=5&until=${new Date(AT + 1000).toISOString()}`);
    const { services } = (await response.json()) as {
      services: {
        service: string;
        requests: number;
        errors: number;
        rate: number;
        errorRatio: number;
        latencyMs: { p50: number; p99: number };
        slos: { name: string; status: string; burnRates: Record<string, number> }[];
      }[];
    };
    const [search] = services;
    expect(search).toMatchObject({ service: 'search', requests: 100, errors: 5, errorRatio: 0.05 });
    expect(search?.rate).toBeCloseTo(100 / 300, 3);
    expect(search?.latencyMs.p50).toBeGreaterThan(25);
    expect(search?.latencyMs.p50).toBeLessThanOrEqual(50);
    expect(search?.latencyMs.p99).toBeGreaterThan(500);
    expect(search?.latencyMs.p99).toBeLessThanOrEqual(750);
    expect(search?.slos[0]).toMatchObject({ name: 'fast', status: 'ticket' });
    expect(search?.slos[0]?.burnRates['5m']).toBeCloseTo(4, 5);

    const alerts = (await (await firebreak.request('GET', '/api/alerts')).json()) as {
      alerts: { labels: Record<string, string>; status: string }[];
    };
    expect(alerts.alerts.map((alert) => alert.labels)).toEqual([
      { alertname: 'SLOBurnRate', service: 'search', slo: 'fast', severity: 'ticket' },
    ]);
    const incidents = (await (await firebreak.request('GET', '/api/incidents')).json()) as { incidents: { severity: string }[] };
    expect(incidents.incidents.map((incident) => incident.severity)).toEqual(['sev3']);
  });

  it('folds high-cardinality span names beyond the per-service budget into "(other)"', async () => {
    const small = await createTestFirebreak(backend, { TRACE_MAX_OPERATIONS_PER_SERVICE: '3' });
    try {
      const body = spansJson('catalog', [5, 5, 5, 5, 5, 5]);
      const spans = body.resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
      spans.forEach((span, i) => (span.name = `GET /items/${i}`));
      expect((await small.request('POST', '/v1/traces', { token: await small.tokenFor('ingest'), json: body })).status).toBe(200);
      await small.scheduler.runJob('slo-evaluation', new Date(AT));
      const { services } = (await (await small.request('GET', `/api/services?until=${new Date(AT).toISOString()}`)).json()) as {
        services: { operations: { name: string; requests: number }[] }[];
      };
      const operations = services[0]?.operations ?? [];
      expect(operations.find((operation) => operation.name === '(other)')?.requests).toBe(3);
      expect(operations).toHaveLength(4);
    } finally {
      await small.close();
    }
  });

  it('purges windows and evidence past their retention in the retention job', async ({ firebreak }) => {
    const old = AT - 40 * 24 * 3600_000;
    await ingest(firebreak, spansJson('billing', [10, 10], 2, old));
    await ingest(firebreak, spansJson('billing', [10, 10], 2, AT));
    await firebreak.scheduler.runJob('slo-evaluation', new Date(AT));
    const windows = async (until: number) =>
      (
        (await (await firebreak.request('GET', `/api/services?windowMinutes=5&until=${new Date(until).toISOString()}`)).json()) as {
          services: { requests: number }[];
        }
      ).services[0]?.requests ?? 0;
    const incident = await firebreak.request('POST', '/api/incidents', {
      json: { title: 'Billing errors', severity: 'sev3', services: ['billing'], startedAt: new Date(AT).toISOString() },
    });
    const { id } = (await incident.json()) as { id: string };
    const evidence = async () =>
      ((await (await firebreak.request('GET', `/api/incidents/${id}/traces`)).json()) as { totalErrorSpans: number }).totalErrorSpans;
    expect(await windows(old + 1000)).toBe(2);
    expect(await evidence()).toBe(2);

    // Windows go after TRACE_WINDOW_RETENTION_DAYS (8) by their time; evidence after TRACE_EVIDENCE_RETENTION_DAYS (30) from arrival.
    expect(await firebreak.scheduler.runJob(RETENTION_JOB, new Date(AT))).toBe(true);
    expect(await windows(old + 1000)).toBe(0);
    expect(await windows(AT + 1000)).toBe(2);
    expect(await evidence()).toBe(2);
    expect(await firebreak.scheduler.runJob(RETENTION_JOB, new Date(Date.now() + 31 * 24 * 3600_000))).toBe(true);
    expect(await evidence()).toBe(0);
  });
});

describeOnBackends('SLO_CONFIG_FILE', (backend) => {
  it('loads SLOs from the file, which the API may not change, and stops the start on a bad file', async () => {
    const file = path.join(tmpdir(), `slos-${process.pid}-${Date.now()}.json`);
    await writeFile(
      file,
      JSON.stringify({
        slos: [
          { service: 'checkout', name: 'availability', indicator: 'availability', objective: 0.999 },
          {
            service: 'checkout',
            name: 'latency',
            indicator: 'latency',
            objective: 0.99,
            thresholdMs: 300,
            operation: 'POST /api/checkout',
          },
        ],
      }),
    );
    const firebreak = await createTestFirebreak(backend, { SLO_CONFIG_FILE: file });
    try {
      const { slos } = (await (await firebreak.request('GET', '/api/slos')).json()) as { slos: SloBody[] };
      expect(slos.map((slo) => [slo.name, slo.source])).toEqual([
        ['availability', 'file'],
        ['latency', 'file'],
      ]);
      const change = await firebreak.request('PUT', '/api/slos', {
        json: { service: 'checkout', name: 'availability', indicator: 'availability', objective: 0.9 },
      });
      expect(change.status).toBe(409);
      expect(((await change.json()) as { error: { message: string } }).error.message).toContain('SLO_CONFIG_FILE');
    } finally {
      await firebreak.close();
    }

    await writeFile(
      file,
      JSON.stringify({ slos: [{ service: 'checkout', name: 'availability', indicator: 'availability', objective: 2 }] }),
    );
    await expect(createTestFirebreak(backend, { SLO_CONFIG_FILE: file })).rejects.toThrow(/SLO_CONFIG_FILE .*objective/);
  });
});
