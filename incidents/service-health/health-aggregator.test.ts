import { expect } from 'vitest';
import { OTLP_TRACES_PATH, otlpRoutes } from '../../collector/otlp/index.ts';
import { createBaseApp, createLogger, openDatabase } from '../../platform/index.ts';
import { buildTracePayload } from '../../test/bench/otlp-payload.ts';
import type { TestFirebreak } from '../../test/harness/app.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import { getServiceHealth } from './get-service-health.ts';
import { ServiceHealthAggregator } from './health-aggregator.ts';
import type { TraceBatch } from './trace-batch.ts';

const AT = Date.parse('2026-11-21T04:40:00Z');
const logger = createLogger('silent');

function batch(service: string, spans: number, errors: number): TraceBatch {
  return {
    resources: [
      {
        serviceName: service,
        attributes: { 'service.name': service },
        spans: Array.from({ length: spans }, (_, i) => ({
          name: 'GET /',
          kind: 2,
          startMs: AT - 100 - i,
          durationMs: 20,
          statusCode: i < errors ? 2 : 0,
          statusMessage: '',
          httpStatus: i < errors ? 500 : 200,
          exception: null,
          details:
            i < errors ? { traceId: `${i}`.padStart(32, '0'), spanId: `${i}`.padStart(16, '0'), parentSpanId: '', attributes: {} } : null,
        })),
      },
    ],
    acceptedSpans: spans,
    rejectedSpans: 0,
    rejections: [],
  };
}

const aggregatorWith = (maxPendingRows = 1000) =>
  new ServiceHealthAggregator({ windowSeconds: 10, evidencePerMinute: 20, maxOperationsPerService: 10, maxPendingRows, logger });

describeOnBackends('service health aggregation', () => {
  const requestsOf = async (firebreak: TestFirebreak, service: string) =>
    (await getServiceHealth(firebreak.database.db, { service, until: new Date(AT + 1000) })).find((health) => health.service === service)
      ?.requests ?? 0;

  it('adds the counts of several replicas (and of late spans) to the same window rows', async ({ firebreak }) => {
    const options = { windowSeconds: 10, evidencePerMinute: 20, maxOperationsPerService: 10, maxPendingRows: 1000, logger };
    const replicaA = new ServiceHealthAggregator(options);
    const replicaB = new ServiceHealthAggregator(options);
    replicaA.record(batch('api', 30, 3), AT);
    replicaB.record(batch('api', 20, 0), AT);
    await Promise.all([replicaA.flush(firebreak.database.db), replicaB.flush(firebreak.database.db)]);
    replicaA.record(batch('api', 5, 0), AT + 60_000);
    await replicaA.flush(firebreak.database.db);
    const [health] = await getServiceHealth(firebreak.database.db, { service: 'api', until: new Date(AT + 1000) });
    expect(health).toMatchObject({ requests: 55, errors: 3 });
    expect(health?.latencyMs.p50).toBeGreaterThan(10);
    expect(health?.latencyMs.p50).toBeLessThanOrEqual(25);
  });

  it('keeps the counts in memory when the database refuses a flush, and writes them with the next one', async ({ firebreak }) => {
    const aggregator = aggregatorWith();
    aggregator.record(batch('worker', 12, 2), AT);
    const closed = await openDatabase({});
    await closed.close();
    await expect(aggregator.flush(closed.db)).rejects.toThrow();
    expect(aggregator.pending).toEqual({ windows: 1, evidence: 2 });
    aggregator.record(batch('worker', 8, 0), AT);
    await aggregator.flush(firebreak.database.db);
    expect(aggregator.pending).toEqual({ windows: 0, evidence: 0 });
    expect(await requestsOf(firebreak, 'worker')).toBe(20);
  });

  it('drops a row the database refuses (U+0000 that slipped past the edge) and writes the others', async ({ firebreak }) => {
    const aggregator = aggregatorWith();
    const poisoned = batch('poisoned', 3, 1);
    const span = poisoned.resources[0]?.spans[0];
    if (span) span.statusMessage = 'nul \u0000 here';
    const named = batch('bad\u0000name', 2, 0);
    aggregator.record(poisoned, AT);
    aggregator.record(named, AT);
    aggregator.record(batch('healthy', 5, 1), AT);
    await aggregator.flush(firebreak.database.db);
    expect(aggregator.pending).toEqual({ windows: 0, evidence: 0 });
    expect(await requestsOf(firebreak, 'healthy')).toBe(5);
    expect(await requestsOf(firebreak, 'poisoned')).toBe(3);
    aggregator.record(batch('healthy', 4, 0), AT);
    await aggregator.flush(firebreak.database.db);
    expect(await requestsOf(firebreak, 'healthy')).toBe(9);
  });

  it('answers 503 with Retry-After while the in-memory windows are full', async ({ firebreak }) => {
    const aggregator = aggregatorWith(1);
    const app = createBaseApp({
      config: firebreak.config,
      database: firebreak.database,
      logger,
      publicPaths: [],
      ownBodyLimitPaths: [OTLP_TRACES_PATH],
    });
    app.route(
      '/',
      otlpRoutes({
        sink: aggregator,
        maxBodyBytes: 1 << 20,
        maxInFlightBytes: 1 << 24,
        maxInFlightRequests: 8,
        maxQueuedRequests: 0,
        maxQueueWaitMs: 0,
      }),
    );
    const token = await firebreak.tokenFor('ingest');
    const send = () =>
      app.request(OTLP_TRACES_PATH, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-protobuf' },
        body: Buffer.from(buildTracePayload({ spans: 4, now: AT })),
      });
    expect((await send()).status).toBe(200);
    const refused = await send();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    await aggregator.flush(firebreak.database.db);
    expect((await send()).status).toBe(200);
  });
});
