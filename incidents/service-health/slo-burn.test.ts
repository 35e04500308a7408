import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { expect } from 'vitest';
import type { TestFirebreak } from '../../test/harness/app.ts';
import type { TestServer } from '../../test/harness/fixtures.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';

type ExporterConfig = NonNullable<ConstructorParameters<typeof OTLPTraceExporter>[0]>;

interface AlertRow {
  labels: Record<string, string>;
  status: 'firing' | 'resolved';
  incidentId: string | null;
  source: string;
}
interface IncidentRow {
  id: string;
  severity: string;
  title: string;
  services: string[];
  source: string;
}
interface SloRow {
  name: string;
  status: 'page' | 'ticket' | 'ok';
  burnRates: Record<string, number>;
}

describeOnBackends('SLO burn to incident', () => {
  let firebreak: TestFirebreak;
  let running: TestServer;
  let ingest: string;

  // The helpers below work on this test's listening Firebreak (the server fixture), through an ingest token.
  it.beforeEach(async ({ server }) => {
    running = server;
    firebreak = server.firebreak;
    ingest = await firebreak.tokenFor('ingest');
  });

  /** Sends `total` requests of the service through the SDK and the protobuf exporter; `failing` of them answer 500. */
  async function serve(service: string, total: number, failing: number): Promise<void> {
    const config: ExporterConfig = {
      url: `http://127.0.0.1:${running.port}/v1/traces`,
      headers: { authorization: `Bearer ${ingest}` },
      compression: 'gzip' as ExporterConfig['compression'],
    };
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service, 'k8s.pod.name': `${service}-5f7c9-x2x` }),
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter(config), { maxQueueSize: 20_000, maxExportBatchSize: 512 })],
    });
    const tracer = provider.getTracer('slo-test');
    for (let i = 0; i < total; i++) {
      const fails = i < failing;
      const server = tracer.startSpan('POST /charge', { kind: SpanKind.SERVER });
      if (fails) {
        const call = tracer.startSpan('POST bank/authorize', { kind: SpanKind.CLIENT }, trace.setSpan(context.active(), server));
        call.recordException(Object.assign(new Error('bank gateway timed out'), { name: 'GatewayTimeout' }));
        call.setStatus({ code: SpanStatusCode.ERROR });
        call.end();
      }
      server.setAttribute('http.response.status_code', fails ? 500 : 200);
      server.end();
    }
    await provider.shutdown();
  }

  const evaluate = (at: Date) => firebreak.scheduler.runJob('slo-evaluation', at);
  const json = async <T>(path: string): Promise<T> => (await firebreak.request('GET', path)).json() as Promise<T>;
  const sloAlerts = async () => (await json<{ alerts: AlertRow[] }>('/api/alerts?filter=alertname%3D%22SLOBurnRate%22')).alerts;
  const sloStatus = async (service: string) =>
    (await json<{ services: { slos: SloRow[] }[] }>(`/api/services?service=${service}`)).services[0]?.slos[0];

  async function defineSlo(service: string): Promise<void> {
    const response = await firebreak.request('PUT', '/api/slos', {
      json: { service, name: 'availability', indicator: 'availability', objective: 0.99 },
    });
    expect(response.status).toBe(201);
  }

  it('opens an incident linked to the failing traces, heartbeats while burning, and resolves once healthy traffic ends the burn', async () => {
    await defineSlo('payments');
    const before = Date.now();
    await serve('payments', 200, 40);
    const t0 = new Date();
    expect(await evaluate(t0)).toBe(true);

    // 20% errors against a 1% budget: a burn rate of 20, over every window, so both page and ticket fire.
    const firing = await sloAlerts();
    expect(firing.map((alert) => alert.labels.severity).sort()).toEqual(['page', 'ticket']);
    expect(firing.every((alert) => alert.status === 'firing' && alert.source === 'slo')).toBe(true);
    expect(firing[0]?.labels).toMatchObject({ alertname: 'SLOBurnRate', service: 'payments', slo: 'availability' });
    const { incidents } = await json<{ incidents: IncidentRow[] }>('/api/incidents');
    expect(incidents).toHaveLength(1);
    const [incident] = incidents;
    expect(incident?.services).toEqual(['payments']);
    // A fast burn pages: "page" maps to sev2 unless ALERT_SEVERITY_MAP says otherwise.
    expect(incident?.severity).toBe('sev2');
    expect(firing.every((alert) => alert.incidentId === incident?.id)).toBe(true);
    const status = await sloStatus('payments');
    expect(status?.status).toBe('page');
    expect(status?.burnRates['1h']).toBeCloseTo(20, 5);

    const traces = await json<{
      firstErrorAt: string;
      totalErrorSpans: number;
      traces: { spans: { name: string; exception: { type: string; message: string } | null; resource: Record<string, string> }[] }[];
    }>(`/api/incidents/${incident?.id}/traces`);
    // Evidence is bounded per service per minute (TRACE_EVIDENCE_PER_MINUTE, 20): not all 80 error spans.
    expect(traces.totalErrorSpans).toBeGreaterThan(0);
    expect(traces.totalErrorSpans).toBeLessThanOrEqual(40);
    const firstErrorAt = Date.parse(traces.firstErrorAt);
    expect(firstErrorAt).toBeGreaterThanOrEqual(before - 1);
    expect(firstErrorAt).toBeLessThanOrEqual(t0.getTime());
    const spans = traces.traces.flatMap((trace) => trace.spans);
    expect(spans.find((span) => span.exception)).toMatchObject({
      name: 'POST bank/authorize',
      exception: { type: 'GatewayTimeout', message: 'bank gateway timed out' },
      resource: { 'k8s.pod.name': 'payments-5f7c9-x2x' },
    });

    // Still burning 30 s later: the same alerts are refreshed, no second incident.
    await evaluate(new Date(t0.getTime() + 30_000));
    expect((await sloAlerts()).every((alert) => alert.status === 'firing')).toBe(true);
    expect((await json<{ incidents: IncidentRow[] }>('/api/incidents')).incidents).toHaveLength(1);

    // Recovery: 8,000 good requests bring every window under 1% errors (40 of 8,200: a burn rate of 0.5).
    await serve('payments', 8000, 0);
    await evaluate(new Date(t0.getTime() + 60_000));
    const resolved = await sloAlerts();
    expect(resolved.map((alert) => alert.status)).toEqual(['resolved', 'resolved']);
    expect((await sloStatus('payments'))?.status).toBe('ok');
    const timeline = await json<{ events: { type: string; data: { resolved?: number } }[] }>(`/api/incidents/${incident?.id}/timeline`);
    const resolutions = timeline.events.filter((event) => event.type === 'alerts.changed').map((event) => event.data.resolved ?? 0);
    expect(resolutions.reduce((sum, count) => sum + count, 0)).toBe(2);
  });

  it('stops burning as time passes without errors: the fast burn ends after its short windows, the slow one after 6 hours', async () => {
    await defineSlo('search');
    await serve('search', 100, 30);
    const t0 = new Date();
    await evaluate(t0);
    expect((await sloAlerts()).filter((alert) => alert.status === 'firing')).toHaveLength(2);

    // 31 minutes on: the 5 min and 30 min windows are empty, so no page rule holds; the 6 h and 3 d ones still do.
    await evaluate(new Date(t0.getTime() + 31 * 60_000));
    const later = await sloAlerts();
    expect(later.find((alert) => alert.labels.severity === 'page')?.status).toBe('resolved');
    expect(later.find((alert) => alert.labels.severity === 'ticket')?.status).toBe('firing');
    expect((await sloStatus('search'))?.status).toBe('ticket');

    await evaluate(new Date(t0.getTime() + 6 * 3600_000 + 60_000));
    expect((await sloAlerts()).map((alert) => alert.status)).toEqual(['resolved', 'resolved']);
    expect((await sloStatus('search'))?.status).toBe('ok');
  });
});
