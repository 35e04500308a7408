import { readFileSync } from 'node:fs';
import { type ClientRequest, request } from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect } from 'vitest';
import { listen } from '../../server.ts';
import { buildTracePayload } from '../../test/bench/otlp-payload.ts';
import { createTestFirebreak, type TestFirebreak } from '../../test/harness/app.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import { metricValues } from '../../test/harness/metrics.ts';
import { eventually } from '../../test/harness/prometheus-stack.ts';
import { seededRandom } from '../../test/harness/seeded-random.ts';
import { ExportTraceServiceRequest, ExportTraceServiceResponse, GoogleRpcStatus } from '../../test/oracles/otlp-proto-schema.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../test/fixtures/otlp');
const fixture = (name: string) => readFileSync(new URL(`${FIXTURES}/${name}`, 'file://'));

interface Health {
  services: {
    service: string;
    requests: number;
    errors: number;
    operations: { name: string; kind: string; requests: number; errors: number }[];
  }[];
}

async function bytesOf(response: Response): Promise<Uint8Array> {
  return new Uint8Array(await response.arrayBuffer());
}

/** What the tests do with one test's Firebreak, through an ingest token made for it. */
async function tracesClient(firebreak: TestFirebreak) {
  const ingest = await firebreak.tokenFor('ingest');
  return {
    post: (body: Uint8Array | string, headers: Record<string, string>, token: string | null = ingest) =>
      firebreak.request('POST', '/v1/traces', { token, body: body as RequestInit['body'], headers }),
    /** Writes this replica's windows now, as the flush interval or the SLO job would. */
    flush: () => firebreak.scheduler.runJob('slo-evaluation', new Date()),
    health: async (): Promise<Health> =>
      (await (await firebreak.request('GET', '/api/services?windowMinutes=60&until=2026-11-21T05:00:00Z')).json()) as Health,
  };
}

describeOnBackends('POST /v1/traces', (backend) => {
  it.for([
    ['traces-01.pb', 'application/x-protobuf', undefined],
    ['traces-01.json', 'application/json', undefined],
    ['traces-02.pb.gz', 'application/x-protobuf', 'gzip'],
    ['traces-02.json.gz', 'application/json', 'gzip'],
  ] as const)('accepts the captured %s and folds its spans into service health', async ([file, contentType, encoding], { firebreak }) => {
    const { post, flush, health } = await tracesClient(firebreak);
    const headers: Record<string, string> = { 'content-type': contentType };
    if (encoding) headers['content-encoding'] = encoding;
    const response = await post(fixture(file), headers);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(contentType);
    if (contentType === 'application/json') expect(await response.json()).toEqual({});
    else expect((await bytesOf(response)).length).toBe(0);

    await flush();
    const [checkout] = (await health()).services;
    expect(checkout?.service).toBe('checkout');
    // Five traces of a SERVER span and a CLIENT span; the third trace failed in both.
    expect(checkout?.requests).toBe(5);
    expect(checkout?.errors).toBe(1);
    expect(checkout?.operations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'POST /api/checkout', kind: 'server', requests: 5, errors: 1 }),
        expect.objectContaining({ name: 'SELECT orders', kind: 'client', requests: 5, errors: 1 }),
      ]),
    );
  });

  it('keeps the error spans with their exception as evidence, once even when the exporter retries', async ({ firebreak }) => {
    const { post, flush } = await tracesClient(firebreak);
    await post(fixture('traces-01.pb'), { 'content-type': 'application/x-protobuf' });
    await post(fixture('traces-01.pb'), { 'content-type': 'application/x-protobuf' });
    await flush();
    const incident = await firebreak.request('POST', '/api/incidents', {
      json: { title: 'Checkout failing', severity: 'sev2', services: ['checkout'], startedAt: '2026-11-21T04:30:00Z' },
    });
    const { id } = (await incident.json()) as { id: string };
    // The captured spans are from 2026-11-21T04:33:42Z: inside the incident's range.
    const traces = (await (await firebreak.request('GET', `/api/incidents/${id}/traces`)).json()) as {
      firstErrorAt: string;
      totalErrorSpans: number;
      traces: {
        traceId: string;
        spans: {
          name: string;
          exception: { type: string; message: string; stacktrace: string } | null;
          resource: Record<string, string>;
          httpStatus: number | null;
        }[];
      }[];
    };
    expect(traces.totalErrorSpans).toBe(2);
    expect(traces.firstErrorAt).toBe('2026-11-21T04:33:42.716Z');
    expect(traces.traces).toHaveLength(1);
    const [trace] = traces.traces;
    expect(trace?.traceId).toBe('56fb4a6b84fb6b3f1ea53d995404539c');
    const select = trace?.spans.find((span) => span.name === 'SELECT orders');
    expect(select?.exception).toMatchObject({ type: 'Error', message: 'connection reset by peer' });
    expect(select?.exception?.stacktrace).toContain('OrdersRepository.find');
    expect(select?.resource).toMatchObject({ 'service.name': 'checkout', 'service.version': '1.4.2' });
    expect(trace?.spans.find((span) => span.name === 'POST /api/checkout')?.httpStatus).toBe(500);
  });

  it('counts spans with bad ids or no name in partial_success and keeps the rest', async ({ firebreak }) => {
    const { post, flush, health } = await tracesClient(firebreak);
    const payload = ExportTraceServiceRequest.decode(fixture('traces-01.pb')) as unknown as {
      resourceSpans: { scopeSpans: { spans: { traceId: Uint8Array; spanId: Uint8Array; name: string }[] }[] }[];
    };
    const spans = payload.resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
    (spans[0] as { traceId: Uint8Array }).traceId = new Uint8Array(15);
    (spans[1] as { spanId: Uint8Array }).spanId = new Uint8Array(9);
    (spans[2] as { name: string }).name = '';
    const response = await post(ExportTraceServiceRequest.encode(payload).finish(), { 'content-type': 'application/x-protobuf' });
    expect(response.status).toBe(200);
    const decoded = ExportTraceServiceResponse.toObject(ExportTraceServiceResponse.decode(await bytesOf(response)), { longs: Number }) as {
      partialSuccess: { rejectedSpans: number; errorMessage: string };
    };
    expect(decoded.partialSuccess.rejectedSpans).toBe(3);
    expect(decoded.partialSuccess.errorMessage).toContain('trace_id must be 16 bytes, got 15');
    expect(decoded.partialSuccess.errorMessage).toContain('span_id must be 8 bytes, got 9');
    expect(decoded.partialSuccess.errorMessage).toContain('name is required');
    await flush();
    const total = (await health()).services
      .flatMap((service) => service.operations)
      .reduce((sum, operation) => sum + operation.requests, 0);
    expect(total).toBe(7);

    const json = JSON.parse(fixture('traces-01.json').toString('utf8')) as {
      resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[];
    };
    const jsonSpans = json.resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
    (jsonSpans[0] as Record<string, unknown>).traceId = 'abc';
    (jsonSpans[1] as Record<string, unknown>).spanId = 'q'.repeat(16);
    const jsonResponse = await post(JSON.stringify(json), { 'content-type': 'application/json' });
    expect(jsonResponse.status).toBe(200);
    const body = (await jsonResponse.json()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    expect(body.partialSuccess.rejectedSpans).toBe('2');
    expect(body.partialSuccess.errorMessage).toMatch(/traceId must be hex-encoded|traceId must be 16 bytes/);
    expect(body.partialSuccess.errorMessage).toContain('spanId must be hex-encoded');
  });

  it('follows the JSON rules: 64-bit integers as numbers or strings, integer enums, unknown fields ignored', async ({ firebreak }) => {
    const { post, flush, health } = await tracesClient(firebreak);
    const now = BigInt(Date.parse('2026-11-21T04:40:00Z')) * 1_000_000n;
    const body = {
      futureField: { anything: true },
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'json-rules' } }], unknown: 1 },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: 'AB'.repeat(16),
                  spanId: 'cd'.repeat(8),
                  name: 'GET /a',
                  kind: 2,
                  startTimeUnixNano: String(now - 5_000_000n),
                  endTimeUnixNano: String(now),
                  status: { code: 2 },
                },
                {
                  traceId: 'ab'.repeat(16),
                  spanId: 'ce'.repeat(8),
                  name: 'GET /a',
                  kind: 2,
                  startTimeUnixNano: Number(now) - 5e6,
                  endTimeUnixNano: Number(now),
                  attributes: [{ key: 'http.response.status_code', value: { intValue: '200' } }],
                },
              ],
            },
          ],
        },
      ],
    };
    const response = await post(JSON.stringify(body), { 'content-type': 'application/json; charset=utf-8' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    await flush();
    const [service] = (await health()).services;
    expect(service).toMatchObject({ service: 'json-rules', requests: 2, errors: 1 });
  });

  it('replaces U+0000 and lone surrogates from outside with U+FFFD, counts them, and keeps flushing', async ({ firebreak }) => {
    const { post, flush, health } = await tracesClient(firebreak);
    const now = BigInt(Date.parse('2026-11-21T04:40:00Z')) * 1_000_000n;
    const text = (value: string) => ({ stringValue: value });
    const span = (name: string, id: string, extra: Record<string, unknown> = {}) => ({
      traceId: id.repeat(32),
      spanId: id.repeat(16),
      name,
      kind: 2,
      startTimeUnixNano: String(now - 5_000_000n),
      endTimeUnixNano: String(now),
      ...extra,
    });
    const hostile = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: text('nul\u0000svc') }] },
          scopeSpans: [
            {
              spans: [
                span('GET /\u0000', 'a', {
                  status: { code: 2, message: 'bad \u0000 status \ud800' },
                  attributes: [{ key: 'k\u0000', value: text('v\udfff') }],
                  events: [{ name: 'exception', attributes: [{ key: 'exception.message', value: text('user typed \u0000') }] }],
                }),
              ],
            },
          ],
        },
      ],
    };
    const response = await post(JSON.stringify(hostile), { 'content-type': 'application/json' });
    expect(response.status).toBe(200);
    await flush();
    const clean = {
      resourceSpans: [
        { resource: { attributes: [{ key: 'service.name', value: text('clean') }] }, scopeSpans: [{ spans: [span('GET /ok', 'b')] }] },
      ],
    };
    expect((await post(JSON.stringify(clean), { 'content-type': 'application/json' })).status).toBe(200);
    await flush();
    const services = (await health()).services;
    expect(services.find((service) => service.service === 'clean')?.requests).toBe(1);
    const replaced = services.find((service) => service.service === 'nul\ufffdsvc');
    expect(replaced?.operations).toEqual([expect.objectContaining({ name: 'GET /\ufffd', requests: 1, errors: 1 })]);
    const metrics = await (await firebreak.request('GET', '/metrics')).text();
    expect(metrics).toMatch(/firebreak_unsafe_text_total\{source="otlp",action="replaced"\} [1-9]/);
  });

  describe('bad input', () => {
    const statusOf = async (response: Response) =>
      GoogleRpcStatus.toObject(GoogleRpcStatus.decode(await bytesOf(response))) as { code: number; message: string };

    it('answers 400 with a google.rpc.Status to truncated and random protobuf, and stays up', async ({ firebreak }) => {
      const { post } = await tracesClient(firebreak);
      const whole = fixture('traces-01.pb');
      const truncated = await post(whole.subarray(0, whole.length - 7), { 'content-type': 'application/x-protobuf' });
      expect(truncated.status).toBe(400);
      expect(truncated.headers.get('content-type')).toBe('application/x-protobuf');
      const status = await statusOf(truncated);
      expect(status.code).toBe(3);
      expect(status.message).toMatch(/truncated/);

      // Random bytes: seeded, so that a failure can be replayed.
      const random = seededRandom(42);
      let refused = 0;
      for (let i = 0; i < 30; i++) {
        const bytes = Uint8Array.from({ length: 64 + Math.floor(random() * 512) }, () => Math.floor(random() * 256));
        const response = await post(bytes, { 'content-type': 'application/x-protobuf' });
        expect([200, 400]).toContain(response.status);
        if (response.status === 400) refused++;
      }
      expect(refused).toBeGreaterThan(20);
      expect((await post(whole, { 'content-type': 'application/x-protobuf' })).status).toBe(200);
    });

    it('answers 400 to invalid JSON and to JSON of the wrong shape, in JSON', async ({ firebreak }) => {
      const { post } = await tracesClient(firebreak);
      const invalid = await post('{"resourceSpans": [', { 'content-type': 'application/json' });
      expect(invalid.status).toBe(400);
      expect(invalid.headers.get('content-type')).toBe('application/json');
      expect(await invalid.json()).toMatchObject({ code: 3, message: expect.stringContaining('not valid JSON') });
      const wrongShape = await post('{"resourceSpans": {"a": 1}}', { 'content-type': 'application/json' });
      expect(wrongShape.status).toBe(400);
      expect(((await wrongShape.json()) as { message: string }).message).toContain('resourceSpans must be an array');
      const badTime = await post(
        JSON.stringify({
          resourceSpans: [
            { scopeSpans: [{ spans: [{ traceId: 'ab'.repeat(16), spanId: 'ab'.repeat(8), name: 'x', startTimeUnixNano: 'yesterday' }] }] },
          ],
        }),
        { 'content-type': 'application/json' },
      );
      expect(badTime.status).toBe(400);
      expect(((await badTime.json()) as { message: string }).message).toContain('startTimeUnixNano');
    });

    it('answers 400 to a broken gzip stream and an unknown Content-Encoding', async ({ firebreak }) => {
      const { post } = await tracesClient(firebreak);
      const broken = await post(Buffer.from('not gzip at all'), { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' });
      expect(broken.status).toBe(400);
      expect((await statusOf(broken)).message).toContain('gzip');
      const brotli = await post(fixture('traces-01.pb'), { 'content-type': 'application/x-protobuf', 'content-encoding': 'br' });
      expect(brotli.status).toBe(400);
      expect((await statusOf(brotli)).message).toContain('Content-Encoding "br"');
    });

    it('answers 413 to a gzip bomb once it inflates past the limit, without inflating it all', async () => {
      const small = await createTestFirebreak(backend, { TRACE_MAX_BODY_BYTES: String(1024 * 1024) });
      try {
        const token = await small.tokenFor('ingest');
        // 512 MiB of zeros compress to about 500 KiB; only the first MiB is ever inflated.
        const bomb = gzipSync(Buffer.alloc(512 * 1024 * 1024), { level: 9 });
        const before = process.memoryUsage().rss;
        const response = await small.request('POST', '/v1/traces', {
          token,
          body: bomb,
          headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' },
        });
        expect(response.status).toBe(413);
        expect(GoogleRpcStatus.toObject(GoogleRpcStatus.decode(await bytesOf(response)))).toMatchObject({
          message: expect.stringContaining('once decompressed'),
        });
        expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
        const oversized = await small.request('POST', '/v1/traces', {
          token,
          body: Buffer.alloc(2 * 1024 * 1024),
          headers: { 'content-type': 'application/json' },
        });
        expect(oversized.status).toBe(413);
        expect(oversized.headers.get('content-type')).toBe('application/json');
        expect(await oversized.json()).toMatchObject({ message: expect.stringContaining('exceeds the limit of 1048576 bytes') });
        expect(
          (
            await small.request('POST', '/v1/traces', {
              token,
              body: fixture('traces-01.pb'),
              headers: { 'content-type': 'application/x-protobuf' },
            })
          ).status,
        ).toBe(200);
      } finally {
        await small.close();
      }
    });

    it('answers 415 to an unknown content type', async ({ firebreak }) => {
      const { post } = await tracesClient(firebreak);
      const response = await post('resourceSpans=1', { 'content-type': 'application/x-www-form-urlencoded' });
      expect(response.status).toBe(415);
      expect(await response.json()).toMatchObject({ message: expect.stringContaining('application/x-protobuf or application/json') });
      expect((await post(fixture('traces-01.pb'), {})).status).toBe(415);
    });

    it('needs an ingest token: 401 without one, 403 for a role without traces:ingest', async ({ firebreak }) => {
      const { post } = await tracesClient(firebreak);
      expect((await post(fixture('traces-01.pb'), { 'content-type': 'application/x-protobuf' }, null)).status).toBe(401);
      const viewer = await firebreak.tokenFor('viewer');
      const forbidden = await post(fixture('traces-01.pb'), { 'content-type': 'application/x-protobuf' }, viewer);
      expect(forbidden.status).toBe(403);
      expect(((await forbidden.json()) as { error: { message: string } }).error.message).toContain('traces:ingest');
    });
  });

  it('sheds load with 429 and Retry-After when the in-flight budget is spent and no line is allowed', async () => {
    const tight = await createTestFirebreak(backend, { TRACE_MAX_INFLIGHT_REQUESTS: '1', TRACE_MAX_QUEUED_REQUESTS: '0' });
    try {
      const token = await tight.tokenFor('ingest');
      const first = await heldExport(tight, token);
      const second = await exportFixture(tight, token);
      expect(second.status).toBe(429);
      expect(second.headers.get('retry-after')).toBe('1');
      expect((await statusOf429(second)).code).toBe(8);
      first.finish();
      expect((await first.response).status).toBe(200);
    } finally {
      await tight.close();
    }
  });

  it('lines up requests beyond the budget, serves them in turn, and refuses one that finds the line full or waits too long', async () => {
    const tight = await createTestFirebreak(backend, ONE_SLOT_AND_ONE_PLACE);
    try {
      const token = await tight.tokenFor('ingest');
      const first = await heldExport(tight, token);
      const waiting = exportFixture(tight, token);
      await lineHolds(1);
      const lineFull = await exportFixture(tight, token);
      expect(lineFull.status).toBe(429);
      expect(lineFull.headers.get('retry-after')).toBe('1');
      first.finish();
      expect((await first.response).status).toBe(200);
      expect((await waiting).status).toBe(200);
    } finally {
      await tight.close();
    }

    const impatient = await createTestFirebreak(backend, { TRACE_MAX_INFLIGHT_REQUESTS: '1', TRACE_MAX_QUEUE_WAIT_MS: '200' });
    try {
      const token = await impatient.tokenFor('ingest');
      const first = await heldExport(impatient, token);
      const waitedTooLong = await exportFixture(impatient, token);
      expect(waitedTooLong.status).toBe(429);
      expect((await statusOf429(waitedTooLong)).code).toBe(8);
      first.finish();
      expect((await first.response).status).toBe(200);
      expect((await exportFixture(impatient, token)).status).toBe(200);
    } finally {
      await impatient.close();
    }
  });

  it('lets a request whose client hangs up while waiting leave the line, so that it holds no place', async () => {
    const tight = await createTestFirebreak(backend, { ...ONE_SLOT_AND_ONE_PLACE, PORT: '0' });
    const running = await listen(tight);
    try {
      const token = await tight.tokenFor('ingest');
      const body = Buffer.from(buildTracePayload({ spans: 1 }));
      const post = (): ClientRequest =>
        request({
          host: '127.0.0.1',
          port: running.port,
          path: '/v1/traces',
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-protobuf', 'content-length': body.length },
        });

      // The first holds the only slot.
      const first = await heldExport(tight, token);
      // The second takes the only place in line, then its client hangs up.
      const second = post();
      second.on('error', () => undefined);
      second.end(body);
      await lineHolds(1);
      second.destroy();
      // Well before its wait of 5 s could run out.
      await lineHolds(0, 2500);
      // The place is free again: the third waits instead of being refused, and is served in turn.
      const third = post();
      const thirdAnswer = new Promise<number>((resolve, reject) => {
        third.on('response', (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        third.on('error', reject);
      });
      third.end(body);
      await lineHolds(1);
      first.finish();
      expect((await first.response).status).toBe(200);
      expect(await thirdAnswer).toBe(200);
    } finally {
      await running.shutdown();
    }
  });
});

/** One request in flight, one in line, and a wait long enough never to run out in these tests. */
const ONE_SLOT_AND_ONE_PLACE = { TRACE_MAX_INFLIGHT_REQUESTS: '1', TRACE_MAX_QUEUED_REQUESTS: '1', TRACE_MAX_QUEUE_WAIT_MS: '5000' };

/**
 * An export that holds its slot until finish() ends its body. It resolves once the route has begun to
 * read the body, which it does only after admitting the request.
 */
async function heldExport(firebreak: TestFirebreak, token: string): Promise<{ response: Promise<Response>; finish: () => void }> {
  let finish: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (finish = resolve));
  let reading: () => void = () => undefined;
  const read = new Promise<void>((resolve) => (reading = resolve));
  let sent = false;
  const slow = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (sent) {
          await held;
          controller.close();
          return;
        }
        sent = true;
        reading();
        controller.enqueue(new Uint8Array(buildTracePayload({ spans: 1 })));
      },
    },
    // Nothing is pulled before the route reads.
    { highWaterMark: 0 },
  );
  const response = Promise.resolve(
    firebreak.app.request('/v1/traces', {
      method: 'POST',
      body: slow,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-protobuf' },
      duplex: 'half',
    } as RequestInit),
  );
  await Promise.race([read, response.then((answered) => Promise.reject(new Error(`answered ${answered.status} before reading`)))]);
  return { response, finish };
}

/** Waits until this many export requests wait in line for a slot (the gauge is this process's). */
function lineHolds(requests: number, withinMs = 10_000): Promise<number> {
  return eventually(
    async () => ((await metricValues('firebreak_otlp_requests_waiting'))[0]?.value === requests ? requests : undefined),
    withinMs,
    `${requests} export requests in line`,
  );
}

function exportFixture(firebreak: TestFirebreak, token: string): Promise<Response> {
  return firebreak.request('POST', '/v1/traces', {
    token,
    body: fixture('traces-01.pb'),
    headers: { 'content-type': 'application/x-protobuf' },
  });
}

async function statusOf429(response: Response): Promise<{ code: number }> {
  return GoogleRpcStatus.toObject(GoogleRpcStatus.decode(new Uint8Array(await response.arrayBuffer()))) as { code: number };
}

describe('decoding in slices', () => {
  it('gives the event loop back while decoding a large request, and decodes it exactly as in one go', async () => {
    const body = Buffer.from(buildTracePayload({ spans: 10_000, errorEvery: 7 }));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const { decodeTracesProtobuf, decodeTracesProtobufInSlices } = await import('./decode-protobuf.ts');
    const sliced = await decodeTracesProtobufInSlices(body);
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
    expect(sliced.acceptedSpans).toBe(10_000);
    expect(sliced).toEqual(decodeTracesProtobuf(body));
  });
});
