import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildTracePayload } from '../../test/bench/otlp-payload.ts';
import { decodeTracesProtobufjs } from '../../test/oracles/decode-protobufjs.ts';
import { ExportTraceServiceRequest, Resource, ScopeSpans } from '../../test/oracles/otlp-proto-schema.ts';
import { decodeTracesJson } from './decode-json.ts';
import { OtlpDecodeError } from './decode-limits.ts';
import { decodeTracesProtobuf } from './decode-protobuf.ts';

const fixture = (name: string) => readFileSync(path.resolve(import.meta.dirname, '../../test/fixtures/otlp', name));

describe('OTLP trace decoders', () => {
  it('decode the captured exporter requests identically: hand-written, protobufjs and JSON', () => {
    const protobuf = decodeTracesProtobuf(fixture('traces-01.pb'));
    expect(decodeTracesProtobufjs(fixture('traces-01.pb'))).toEqual(protobuf);
    expect(decodeTracesJson(fixture('traces-01.json'))).toEqual(protobuf);
    expect(decodeTracesProtobuf(gunzipSync(fixture('traces-02.pb.gz')))).toEqual(
      decodeTracesJson(gunzipSync(fixture('traces-02.json.gz'))),
    );
    expect(protobuf.acceptedSpans).toBe(10);
    const failed = protobuf.resources[0]?.spans.find((span) => span.exception);
    expect(failed).toMatchObject({
      name: 'SELECT orders',
      kind: 3,
      statusCode: 2,
      exception: { type: 'Error', message: 'connection reset by peer' },
    });
    expect(failed?.details).toMatchObject({
      traceId: '56fb4a6b84fb6b3f1ea53d995404539c',
      spanId: '27696cdb09c77af5',
      parentSpanId: '2ed352f44dda950a',
    });
    expect(failed?.durationMs).toBeCloseTo(0.254406, 6);
  });

  it('agree with protobufjs on every value type, unknown fields and field order', () => {
    const message = ExportTraceServiceRequest.fromObject({
      resourceSpans: [
        {
          schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
          resource: {
            attributes: [
              { key: 'service.name', value: { stringValue: 'mixed' } },
              { key: 'replica', value: { intValue: -3 } },
            ],
          },
          scopeSpans: [
            {
              scope: { name: 's', attributes: [{ key: 'ignored', value: { boolValue: true } }] },
              spans: [
                {
                  traceId: Buffer.alloc(16, 1),
                  spanId: Buffer.alloc(8, 2),
                  traceState: 'k=v',
                  flags: 257,
                  name: 'all types',
                  kind: 5,
                  startTimeUnixNano: '1795235622715000000',
                  endTimeUnixNano: '1795235622716500000',
                  attributes: [
                    { key: 's', value: { stringValue: 'é ✓' } },
                    { key: 'b', value: { boolValue: true } },
                    { key: 'i', value: { intValue: '-9007199254740991' } },
                    { key: 'd', value: { doubleValue: 2.5 } },
                    { key: 'a', value: { arrayValue: { values: [{ intValue: 1 }, { stringValue: 'x' }] } } },
                    { key: 'kv', value: { kvlistValue: { values: [{ key: 'inner', value: { doubleValue: -1 } }] } } },
                    { key: 'bytes', value: { bytesValue: Buffer.from('hi') } },
                    { key: 'http.status_code', value: { stringValue: '503' } },
                  ],
                  links: [{ traceId: Buffer.alloc(16, 3), spanId: Buffer.alloc(8, 4) }],
                  status: { code: 2, message: 'boom' },
                },
              ],
            },
          ],
        },
      ],
    });
    const body = Buffer.from(ExportTraceServiceRequest.encode(message).finish());
    const decoded = decodeTracesProtobuf(body);
    expect(decoded).toEqual(decodeTracesProtobufjs(body));
    expect(decoded.resources[0]?.attributes).toEqual({ 'service.name': 'mixed', replica: '-3' });
    expect(decoded.resources[0]?.spans[0]).toMatchObject({
      kind: 5,
      httpStatus: 503,
      statusMessage: 'boom',
      durationMs: 1.5,
      details: { attributes: { s: 'é ✓', b: true, i: -9007199254740991, d: 2.5, a: [1, 'x'], kv: { inner: -1 }, bytes: 'aGk=' } },
    });

    // The same request with ResourceSpans' fields in reverse order (allowed on the wire) decodes the same.
    const original = ExportTraceServiceRequest.decode(body) as unknown as { resourceSpans: { resource: object; scopeSpans: object[] }[] };
    const [first] = original.resourceSpans;
    const lengthDelimited = (field: number, payload: Uint8Array) => {
      const length: number[] = [];
      let rest = payload.length;
      while (rest > 0x7f) {
        length.push((rest & 0x7f) | 0x80);
        rest >>>= 7;
      }
      length.push(rest);
      return Buffer.concat([Buffer.from([(field << 3) | 2, ...length]), payload]);
    };
    const scopeSpans = (first?.scopeSpans ?? []).map((scope) => lengthDelimited(2, ScopeSpans.encode(scope).finish()));
    const resource = lengthDelimited(1, Resource.encode(first?.resource ?? {}).finish());
    const reordered = lengthDelimited(1, Buffer.concat([...scopeSpans, resource]));
    expect(decodeTracesProtobuf(reordered)).toEqual(decoded);
  });

  it('refuse malformed bytes with a reason, never another kind of error', () => {
    const whole = fixture('traces-01.pb');
    for (let cut = 1; cut < whole.length; cut += 37) {
      try {
        decodeTracesProtobuf(whole.subarray(0, cut));
      } catch (error) {
        expect(error).toBeInstanceOf(OtlpDecodeError);
      }
    }
    expect(() => decodeTracesProtobuf(whole.subarray(0, whole.length - 1))).toThrow(/truncated/);
    expect(() => decodeTracesProtobuf(Buffer.from([0x0b, 0x01]))).toThrow(/wire type 3/);
    expect(() => decodeTracesProtobuf(Buffer.from([0x00]))).toThrow(/field number 0/);
  });

  it('decode the benchmark payload the same way as protobufjs', () => {
    const body = Buffer.from(buildTracePayload({ spans: 512, errorEvery: 10 }));
    const decoded = decodeTracesProtobuf(body);
    expect(decoded.acceptedSpans).toBe(512);
    expect(decoded.resources[0]?.spans.filter((span) => span.exception)).toHaveLength(52);
    expect(decoded).toEqual(decodeTracesProtobufjs(body));
  });
});
