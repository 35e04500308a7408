import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOtlpCollector } from '../../test/fakes/otlp-collector.ts';
import { createTestFirebreak, type TestFirebreak } from '../../test/harness/app.ts';
import { loadConfig } from '../config.ts';
import { startSelfTracing } from './tracing.ts';

describe('self-tracing', () => {
  const collector = new FakeOtlpCollector();
  const received = collector.received;
  let stopTracing: (() => Promise<void>) | null = null;
  let firebreak: TestFirebreak;

  beforeAll(async () => {
    await collector.start();
    stopTracing = startSelfTracing(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_SERVICE_NAME: 'firebreak-under-test' }));
    firebreak = await createTestFirebreak('pglite');
  });
  afterAll(async () => {
    await firebreak.close();
    await collector.stop();
  });

  it('is off without OTEL_EXPORTER_OTLP_ENDPOINT', () => {
    expect(startSelfTracing(loadConfig({}))).toBeNull();
  });

  it('exports a span per request, named by route, over OTLP/HTTP protobuf', async () => {
    expect((await firebreak.request('GET', '/api/me')).status).toBe(200);
    await stopTracing?.();
    const exported = received.find((request) => request.path === '/v1/traces');
    expect(exported?.contentType).toBe('application/x-protobuf');
    const text = exported?.body.toString('latin1') ?? '';
    expect(text).toContain('firebreak-under-test');
    expect(text).toContain('GET /api/me');
  });
});
