import { randomBytes } from 'node:crypto';
import { ExportTraceServiceRequest } from '../oracles/otlp-proto-schema.ts';

export interface PayloadOptions {
  spans: number;
  service?: string;
  /** Every n-th span is an error with an exception event (0: none). */
  errorEvery?: number;
  /** Span end time, unix milliseconds. */
  now?: number;
}

const stringValue = (value: string) => ({ stringValue: value });

/**
 * An ExportTraceServiceRequest shaped like a busy service's batch: each span has 10 attributes and one
 * event, as in the benchmark the issue names. Encoded with protobufjs from the schema in test/oracles.
 */
export function buildTracePayload(options: PayloadOptions): Uint8Array {
  const now = options.now ?? Date.now();
  const spans = [];
  for (let i = 0; i < options.spans; i++) {
    const isError = options.errorEvery ? i % options.errorEvery === 0 : false;
    const endNanos = BigInt(Math.round(now * 1000)) * 1000n - BigInt(i) * 1000n;
    const startNanos = endNanos - BigInt(1_000_000 + (i % 50) * 400_000);
    spans.push({
      traceId: randomBytes(16),
      spanId: randomBytes(8),
      parentSpanId: i % 2 ? randomBytes(8) : undefined,
      name: `GET /api/items/{id}/${i % 8}`,
      kind: 2,
      startTimeUnixNano: startNanos.toString(),
      endTimeUnixNano: endNanos.toString(),
      attributes: [
        { key: 'http.request.method', value: stringValue('GET') },
        { key: 'http.route', value: stringValue(`/api/items/{id}/${i % 8}`) },
        { key: 'http.response.status_code', value: { intValue: isError ? 503 : 200 } },
        { key: 'url.path', value: stringValue(`/api/items/${i}/${i % 8}`) },
        { key: 'url.scheme', value: stringValue('https') },
        { key: 'server.address', value: stringValue('items.internal') },
        { key: 'server.port', value: { intValue: 8443 } },
        { key: 'user_agent.original', value: stringValue('Mozilla/5.0 (X11; Linux x86_64) bench/1.0') },
        { key: 'network.protocol.version', value: stringValue('1.1') },
        { key: 'client.address', value: stringValue(`10.0.${i % 255}.${(i * 7) % 255}`) },
      ],
      events: [
        isError
          ? {
              timeUnixNano: endNanos.toString(),
              name: 'exception',
              attributes: [
                { key: 'exception.type', value: stringValue('UpstreamTimeout') },
                { key: 'exception.message', value: stringValue('inventory did not answer within 2s') },
                {
                  key: 'exception.stacktrace',
                  value: stringValue('UpstreamTimeout: inventory did not answer\n    at fetchItem (/app/items.js:10:5)'),
                },
              ],
            }
          : { timeUnixNano: endNanos.toString(), name: 'cache.miss', attributes: [{ key: 'cache.key', value: stringValue(`item:${i}`) }] },
      ],
      status: isError ? { code: 2, message: 'upstream timeout' } : { code: 0 },
    });
  }
  const message = ExportTraceServiceRequest.fromObject({
    resourceSpans: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: stringValue(options.service ?? 'items') },
            { key: 'service.version', value: stringValue('2.3.1') },
            { key: 'host.name', value: stringValue('items-7d9f-abc12') },
          ],
        },
        scopeSpans: [{ scope: { name: 'bench', version: '1.0.0' }, spans }],
      },
    ],
  });
  return ExportTraceServiceRequest.encode(message).finish();
}
