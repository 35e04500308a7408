import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter as HttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server.ts';
import { listen } from '../../server.ts';
import { createTestFirebreak, type TestFirebreak } from '../../test/harness/app.ts';
import { databaseBackends } from '../../test/harness/database.ts';

type ExporterConfig = NonNullable<ConstructorParameters<typeof ProtobufExporter>[0]>;

/** Passes spans to the real exporter and keeps what each export answered. */
class RecordingExporter implements SpanExporter {
  readonly results: ExportResult[] = [];
  constructor(private readonly inner: SpanExporter) {}
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      this.results.push(result);
      done(result);
    });
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

interface ServiceList {
  services: {
    service: string;
    requests: number;
    errors: number;
    basis: string;
    operations: { name: string; kind: string; requests: number; errors: number }[];
  }[];
}

describe.each(databaseBackends)('official OpenTelemetry exporters to a running Firebreak on %s', (backend) => {
  let firebreak: TestFirebreak;
  let running: RunningServer;
  let token: string;

  beforeAll(async () => {
    firebreak = await createTestFirebreak(backend, { PORT: '0' });
    running = await listen(firebreak);
    token = await firebreak.tokenFor('ingest');
  });
  afterAll(async () => {
    await running.shutdown();
  });

  const cases = [
    { exporter: 'exporter-trace-otlp-proto', compression: 'gzip', processor: 'batch' },
    { exporter: 'exporter-trace-otlp-proto', compression: 'none', processor: 'simple' },
    { exporter: 'exporter-trace-otlp-http', compression: 'gzip', processor: 'simple' },
    { exporter: 'exporter-trace-otlp-http', compression: 'none', processor: 'batch' },
  ] as const;

  it.each(cases)(
    '$exporter with compression $compression through a $processor span processor',
    async ({ exporter, compression, processor }) => {
      const service = `shop-${exporter.endsWith('proto') ? 'proto' : 'json'}-${compression}`;
      const config: ExporterConfig = {
        url: `http://127.0.0.1:${running.port}/v1/traces`,
        headers: { authorization: `Bearer ${token}` },
        compression: compression as ExporterConfig['compression'],
        // A SimpleSpanProcessor exports every span as it ends: 200 at once here.
        concurrencyLimit: 500,
      };
      const recording = new RecordingExporter(
        exporter === 'exporter-trace-otlp-proto' ? new ProtobufExporter(config) : new HttpJsonExporter(config),
      );
      const spanProcessor: SpanProcessor =
        processor === 'batch' ? new BatchSpanProcessor(recording, { maxExportBatchSize: 64 }) : new SimpleSpanProcessor(recording);
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': service, 'service.version': '3.1.0', 'host.name': 'web-7' }),
        spanProcessors: [spanProcessor],
      });
      const tracer = provider.getTracer('exporter-test');
      for (let i = 0; i < 100; i++) {
        const failing = i % 10 === 0;
        tracer.startActiveSpan(
          'GET /cart',
          { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'http.route': '/cart' } },
          (server) => {
            const query = tracer.startSpan('SELECT carts', { kind: SpanKind.CLIENT }, trace.setSpan(context.active(), server));
            if (failing) {
              query.recordException(new TypeError(`cart ${i} not readable`));
              query.setStatus({ code: SpanStatusCode.ERROR, message: 'query failed' });
            }
            query.end();
            server.setAttribute('http.response.status_code', failing ? 503 : 200);
            server.end();
          },
        );
      }
      await provider.forceFlush();
      await provider.shutdown();

      expect(recording.results.length).toBeGreaterThan(0);
      expect(recording.results.every((result) => result.code === 0)).toBe(true);

      await firebreak.scheduler.runJob('slo-evaluation', new Date());
      const response = await firebreak.request('GET', `/api/services?service=${service}`);
      const [health] = ((await response.json()) as ServiceList).services;
      expect(health).toMatchObject({ service, basis: 'entry', requests: 100, errors: 10 });
      expect(health?.operations).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'GET /cart', kind: 'server', requests: 100, errors: 10 }),
          expect.objectContaining({ name: 'SELECT carts', kind: 'client', requests: 100, errors: 10 }),
        ]),
      );

      const incident = await firebreak.request('POST', '/api/incidents', {
        json: { title: `${service} failing`, severity: 'sev3', services: [service] },
      });
      const { id } = (await incident.json()) as { id: string };
      const traces = (await (await firebreak.request('GET', `/api/incidents/${id}/traces`)).json()) as {
        totalErrorSpans: number;
        firstErrorAt: string | null;
        traces: {
          spans: { name: string; kind: string; exception: { type: string; message: string } | null; resource: Record<string, string> }[];
        }[];
      };
      expect(traces.totalErrorSpans).toBe(20);
      expect(traces.traces).toHaveLength(10);
      expect(traces.firstErrorAt).not.toBeNull();
      // Spans of one millisecond sort by id: which trace comes first is not known.
      const query = traces.traces[0]?.spans.find((span) => span.name === 'SELECT carts');
      expect(query).toMatchObject({
        kind: 'client',
        exception: { type: 'TypeError', message: expect.stringMatching(/^cart \d+ not readable$/) },
        resource: { 'host.name': 'web-7', 'service.version': '3.1.0' },
      });
    },
  );
});

describe('a burst of exports from a SimpleSpanProcessor against a Firebreak with few slots', () => {
  let firebreak: TestFirebreak;
  let running: RunningServer;
  let token: string;

  beforeAll(async () => {
    // One request in flight at a time: the 400 that arrive together wait their turn. Each gzip body
    // comes after its headers, so without the line most would be refused again at every retry.
    firebreak = await createTestFirebreak('pglite', {
      PORT: '0',
      TRACE_MAX_INFLIGHT_REQUESTS: '1',
      TRACE_MAX_QUEUED_REQUESTS: '1000',
      TRACE_MAX_QUEUE_WAIT_MS: '5000',
    });
    running = await listen(firebreak);
    token = await firebreak.tokenFor('ingest');
  });
  afterAll(async () => {
    await running.shutdown();
  });

  it('serves every export, one span each, without running out of retries', async () => {
    const service = 'checkout-burst';
    const recording = new RecordingExporter(
      new HttpJsonExporter({
        url: `http://127.0.0.1:${running.port}/v1/traces`,
        headers: { authorization: `Bearer ${token}` },
        compression: 'gzip' as ExporterConfig['compression'],
        concurrencyLimit: 1000,
      }),
    );
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service }),
      spanProcessors: [new SimpleSpanProcessor(recording)],
    });
    const tracer = provider.getTracer('burst-test');
    for (let i = 0; i < 400; i++) tracer.startSpan('POST /checkout', { kind: SpanKind.SERVER }).end();
    await provider.forceFlush();
    await provider.shutdown();

    expect(recording.results).toHaveLength(400);
    expect(recording.results.filter((result) => result.code !== 0)).toEqual([]);
    await firebreak.scheduler.runJob('slo-evaluation', new Date());
    const response = await firebreak.request('GET', `/api/services?service=${service}`);
    expect(((await response.json()) as ServiceList).services[0]).toMatchObject({ service, requests: 400, errors: 0 });
  });
});
