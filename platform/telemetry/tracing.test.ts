import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { createTestFirebreak, type TestFirebreak } from '../../test/harness/app.ts';
import { startSelfTracing } from './tracing.ts';

describe('self-tracing', () => {
  const received: { path: string; contentType: string; body: Buffer }[] = [];
  const collector = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '', body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  let stopTracing: (() => Promise<void>) | null = null;
  let firebreak: TestFirebreak;

  beforeAll(async () => {
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as AddressInfo;
    stopTracing = startSelfTracing(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_SERVICE_NAME: 'firebreak-under-test' }));
    firebreak = await createTestFirebreak('pglite');
  });
  afterAll(async () => {
    await firebreak.close();
    collector.close();
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
