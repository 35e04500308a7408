import { limitText, MAX_ATTRIBUTES, MAX_RESOURCE_ATTRIBUTES, OtlpDecodeError, SpanRejections } from '../../collector/otlp/decode-limits.ts';
import type { AttributeValue, ExceptionRecord, ResourceRecord, SpanRecord, TraceBatch } from '../../incidents/index.ts';
import { ExportTraceServiceRequest } from './otlp-proto-schema.ts';

/*
 * The protobufjs path: Type.decode of the whole request, then the same plain values as the
 * hand-written decoder (collector/otlp/decode-protobuf.ts). An oracle, not production code: kept to
 * check that decoder against (the tests decode every payload both ways) and to measure it
 * (test/bench/traces.bench.ts).
 */

interface Long {
  low: number;
  high: number;
}
interface AnyValueMessage {
  /** protobufjs names the field set in the oneof here (unset fields read as defaults from the prototype). */
  value?: string;
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | Long;
  doubleValue?: number;
  arrayValue?: { values?: AnyValueMessage[] };
  kvlistValue?: { values?: KeyValueMessage[] };
  bytesValue?: Uint8Array;
}
interface KeyValueMessage {
  key?: string;
  value?: AnyValueMessage;
}
interface SpanMessage {
  traceId?: Uint8Array;
  spanId?: Uint8Array;
  parentSpanId?: Uint8Array;
  name?: string;
  kind?: number;
  startTimeUnixNano?: number | Long;
  endTimeUnixNano?: number | Long;
  attributes?: KeyValueMessage[];
  events?: { name?: string; attributes?: KeyValueMessage[] }[];
  status?: { code?: number; message?: string };
}
interface RequestMessage {
  resourceSpans?: {
    resource?: { attributes?: KeyValueMessage[] };
    scopeSpans?: { spans?: SpanMessage[] }[];
  }[];
}

const TWO_32 = 4294967296;

function longToNumber(value: number | Long | undefined, unsigned: boolean): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  return (unsigned ? value.high >>> 0 : value.high) * TWO_32 + (value.low >>> 0);
}

function toValue(value: AnyValueMessage | undefined, depth = 0): AttributeValue {
  if (!value) return null;
  const which = value.value;
  if (which === 'stringValue') return limitText(value.stringValue ?? '');
  if (which === 'boolValue') return value.boolValue ?? false;
  if (which === 'intValue') return longToNumber(value.intValue, false);
  if (which === 'doubleValue') return value.doubleValue ?? 0;
  if (which === 'arrayValue' && value.arrayValue && depth < 4)
    return (value.arrayValue.values ?? []).slice(0, MAX_ATTRIBUTES).map((item) => toValue(item, depth + 1));
  if (which === 'kvlistValue' && value.kvlistValue && depth < 4) return toAttributes(value.kvlistValue.values, depth + 1);
  if (which === 'bytesValue' && value.bytesValue) return Buffer.from(value.bytesValue.subarray(0, 768)).toString('base64');
  return null;
}

function toAttributes(list: KeyValueMessage[] | undefined, depth = 0, limit = MAX_ATTRIBUTES): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const kv of (list ?? []).slice(0, limit)) if (kv.key) out[kv.key] = toValue(kv.value, depth);
  return out;
}

const hex = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString('hex');

function toSpan(message: SpanMessage, rejections: SpanRejections, where: string): SpanRecord | null {
  const traceLength = message.traceId?.length ?? 0;
  const spanLength = message.spanId?.length ?? 0;
  const parentLength = message.parentSpanId?.length ?? 0;
  if (traceLength !== 16) return rejections.reject(`${where}: trace_id must be 16 bytes, got ${traceLength}`);
  if (spanLength !== 8) return rejections.reject(`${where}: span_id must be 8 bytes, got ${spanLength}`);
  if (parentLength !== 0 && parentLength !== 8)
    return rejections.reject(`${where}: parent_span_id must be empty or 8 bytes, got ${parentLength}`);
  if (!message.name) return rejections.reject(`${where}: name is required`);
  let httpStatus = 0;
  for (const kv of message.attributes ?? []) {
    if (kv.key === 'http.response.status_code' || kv.key === 'http.status_code') {
      const value = toValue(kv.value);
      if (typeof value === 'number') httpStatus = value;
      else if (typeof value === 'string' && /^\d{3}$/.test(value)) httpStatus = Number(value);
    }
  }
  let exception: ExceptionRecord | null = null;
  const event = (message.events ?? []).find((candidate) => candidate.name === 'exception');
  if (event) {
    const attributes = toAttributes(event.attributes);
    exception = {
      type: String(attributes['exception.type'] ?? ''),
      message: String(attributes['exception.message'] ?? ''),
      stacktrace: String(attributes['exception.stacktrace'] ?? ''),
    };
  }
  const start = message.startTimeUnixNano;
  const end = message.endTimeUnixNano;
  const durationNanos =
    typeof start === 'object' && typeof end === 'object'
      ? ((end.high >>> 0) - (start.high >>> 0)) * TWO_32 + ((end.low >>> 0) - (start.low >>> 0))
      : longToNumber(end, true) - longToNumber(start, true);
  const statusCode = message.status?.code ?? 0;
  const kind = message.kind ?? 0;
  return {
    name: message.name,
    kind: kind > 5 ? 0 : kind,
    startMs: longToNumber(start, true) / 1e6,
    durationMs: durationNanos > 0 ? durationNanos / 1e6 : 0,
    statusCode,
    statusMessage: limitText(message.status?.message ?? ''),
    httpStatus,
    exception,
    details:
      statusCode === 2 || httpStatus >= 500
        ? {
            traceId: hex(message.traceId),
            spanId: hex(message.spanId),
            parentSpanId: hex(message.parentSpanId),
            attributes: toAttributes(message.attributes),
          }
        : null,
  };
}

/** Decodes an ExportTraceServiceRequest with protobufjs into the same values as decodeTracesProtobuf. */
export function decodeTracesProtobufjs(body: Uint8Array): TraceBatch {
  let message: RequestMessage;
  try {
    message = ExportTraceServiceRequest.decode(body) as unknown as RequestMessage;
  } catch (error) {
    throw new OtlpDecodeError(`malformed protobuf: ${(error as Error).message}`);
  }
  const batch: TraceBatch = { resources: [], acceptedSpans: 0, rejectedSpans: 0, rejections: [] };
  const rejections = new SpanRejections(batch);
  (message.resourceSpans ?? []).forEach((resourceSpans, index) => {
    const resource: ResourceRecord = { serviceName: 'unknown_service', attributes: {}, spans: [] };
    const attributes = toAttributes(resourceSpans.resource?.attributes, 3, MAX_RESOURCE_ATTRIBUTES);
    for (const [key, value] of Object.entries(attributes)) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') resource.attributes[key] = String(value);
    }
    resource.serviceName = resource.attributes['service.name'] || 'unknown_service';
    let spanIndex = 0;
    for (const scope of resourceSpans.scopeSpans ?? []) {
      for (const spanMessage of scope.spans ?? []) {
        const span = toSpan(spanMessage, rejections, `resource_spans[${index}] span ${spanIndex++}`);
        if (span) resource.spans.push(span);
      }
    }
    if (resource.spans.length > 0) {
      batch.resources.push(resource);
      batch.acceptedSpans += resource.spans.length;
    }
  });
  return batch;
}
