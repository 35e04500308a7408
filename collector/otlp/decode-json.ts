import type { AttributeValue, ExceptionRecord, ResourceRecord, SpanRecord, TraceBatch } from '../../incidents/index.ts';
import { limitText, MAX_ATTRIBUTES, MAX_RESOURCE_ATTRIBUTES, OtlpDecodeError, SpanRejections } from './decode-limits.ts';

/*
 * OTLP/JSON (the protobuf JSON mapping with the OTLP spec's exceptions): lowerCamelCase keys, trace and
 * span ids as hex (not base64), enums as integers, 64-bit integers as decimal strings or numbers, and
 * unknown fields ignored. A body that is not an object of that shape is refused whole (400); a span
 * with bad ids or no name is refused alone (partial_success).
 */

type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayAt(parent: Record<string, Json>, key: string, where: string): Json[] {
  const value = parent[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new OtlpDecodeError(`${where}.${key} must be an array`);
  return value;
}

function objectAt(parent: Record<string, Json>, key: string, where: string): Record<string, Json> | null {
  const value = parent[key];
  if (value === undefined || value === null) return null;
  if (!isObject(value)) throw new OtlpDecodeError(`${where}.${key} must be an object`);
  return value;
}

const DECIMAL = /^-?\d{1,20}$/;

/** A 64-bit integer given as a number or a decimal string. */
function int64(value: Json, where: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && DECIMAL.test(value)) return Number(value);
  throw new OtlpDecodeError(`${where} must be an integer (a number or a decimal string)`);
}

/** Nanoseconds since the epoch (fixed64), exact: a double cannot hold 19 digits. */
function nanos(value: Json, where: string): bigint {
  if (value === undefined || value === null) return 0n;
  if (typeof value === 'string' && DECIMAL.test(value)) return BigInt(value);
  if (typeof value === 'number' && Number.isFinite(value)) return BigInt(Math.trunc(value));
  throw new OtlpDecodeError(`${where} must be an integer (a number or a decimal string)`);
}

function enumValue(value: Json, names: readonly string[], where: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  // The spec says integers; the protobuf JSON mapping also allows the names, so accept those too.
  if (typeof value === 'string' && names.includes(value)) return names.indexOf(value);
  throw new OtlpDecodeError(`${where} must be an integer enum value`);
}

const KIND_NAMES = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];
const STATUS_NAMES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

function anyValue(value: Json, where: string, depth: number): AttributeValue {
  if (!isObject(value)) return null;
  if (typeof value.stringValue === 'string') return limitText(value.stringValue);
  if (typeof value.boolValue === 'boolean') return value.boolValue;
  if (value.intValue !== undefined) return int64(value.intValue, `${where}.intValue`);
  if (value.doubleValue !== undefined) {
    const number = value.doubleValue;
    if (typeof number === 'number') return number;
    if (typeof number === 'string' && ['NaN', 'Infinity', '-Infinity'].includes(number)) return number;
    throw new OtlpDecodeError(`${where}.doubleValue must be a number`);
  }
  if (isObject(value.arrayValue) && depth < 4) {
    return arrayAt(value.arrayValue, 'values', `${where}.arrayValue`)
      .slice(0, MAX_ATTRIBUTES)
      .map((item, index) => anyValue(item, `${where}.arrayValue.values[${index}]`, depth + 1));
  }
  if (isObject(value.kvlistValue) && depth < 4)
    return keyValues(value.kvlistValue.values, `${where}.kvlistValue`, depth + 1, MAX_ATTRIBUTES);
  if (typeof value.bytesValue === 'string') return value.bytesValue.slice(0, 1024);
  return null;
}

function keyValues(list: Json, where: string, depth: number, limit: number): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  if (list === undefined || list === null) return out;
  if (!Array.isArray(list)) throw new OtlpDecodeError(`${where} must be an array of key/value objects`);
  let count = 0;
  for (const kv of list) {
    if (!isObject(kv) || typeof kv.key !== 'string') throw new OtlpDecodeError(`${where}[${count}] must be an object with a string "key"`);
    if (count++ >= limit) continue;
    if (kv.key) out[kv.key] = anyValue(kv.value, `${where}[${count - 1}].value`, depth);
  }
  return out;
}

const HEX_ID = /^[0-9a-fA-F]*$/;

/** The id's length in bytes, or -1 when it is not hex. */
function idBytes(value: Json): number {
  if (value === undefined || value === null || value === '') return 0;
  if (typeof value !== 'string' || !HEX_ID.test(value) || value.length % 2 !== 0) return -1;
  return value.length / 2;
}

function describeIdProblem(field: string, got: number, expected: string): string {
  return got < 0 ? `${field} must be hex-encoded (OTLP/JSON does not use base64)` : `${field} must be ${expected}, got ${got} bytes`;
}

function exceptionOf(events: Json[], where: string): ExceptionRecord | null {
  for (const [index, event] of events.entries()) {
    if (!isObject(event) || event.name !== 'exception') continue;
    const attributes = keyValues(event.attributes, `${where}.events[${index}].attributes`, 0, MAX_ATTRIBUTES);
    return {
      type: String(attributes['exception.type'] ?? ''),
      message: String(attributes['exception.message'] ?? ''),
      stacktrace: String(attributes['exception.stacktrace'] ?? ''),
    };
  }
  return null;
}

function toSpan(span: Json, where: string, rejections: SpanRejections): SpanRecord | null {
  if (!isObject(span)) throw new OtlpDecodeError(`${where} must be an object`);
  const traceBytes = idBytes(span.traceId);
  const spanBytes = idBytes(span.spanId);
  const parentBytes = idBytes(span.parentSpanId);
  if (traceBytes !== 16) return rejections.reject(`${where}: ${describeIdProblem('traceId', traceBytes, '16 bytes (32 hex digits)')}`);
  if (spanBytes !== 8) return rejections.reject(`${where}: ${describeIdProblem('spanId', spanBytes, '8 bytes (16 hex digits)')}`);
  if (parentBytes !== 0 && parentBytes !== 8)
    return rejections.reject(`${where}: ${describeIdProblem('parentSpanId', parentBytes, 'empty or 8 bytes')}`);
  if (typeof span.name !== 'string' || !span.name) return rejections.reject(`${where}: name is required`);
  const attributeList = arrayAt(span, 'attributes', where);
  let httpStatus = 0;
  for (const kv of attributeList) {
    if (isObject(kv) && (kv.key === 'http.response.status_code' || kv.key === 'http.status_code')) {
      const value = anyValue(kv.value, `${where}.attributes`, 0);
      if (typeof value === 'number') httpStatus = value;
      else if (typeof value === 'string' && /^\d{3}$/.test(value)) httpStatus = Number(value);
    }
  }
  const status = objectAt(span, 'status', where);
  const statusCode = status ? enumValue(status.code, STATUS_NAMES, `${where}.status.code`) : 0;
  const kind = enumValue(span.kind, KIND_NAMES, `${where}.kind`);
  const start = nanos(span.startTimeUnixNano, `${where}.startTimeUnixNano`);
  const durationNanos = Number(nanos(span.endTimeUnixNano, `${where}.endTimeUnixNano`) - start);
  return {
    name: span.name,
    kind: kind >= 0 && kind <= 5 ? kind : 0,
    startMs: Number(start) / 1e6,
    durationMs: durationNanos > 0 ? durationNanos / 1e6 : 0,
    statusCode,
    statusMessage: status && typeof status.message === 'string' ? limitText(status.message) : '',
    httpStatus,
    exception: exceptionOf(arrayAt(span, 'events', where), where),
    details:
      statusCode === 2 || httpStatus >= 500
        ? {
            traceId: String(span.traceId).toLowerCase(),
            spanId: String(span.spanId).toLowerCase(),
            parentSpanId: typeof span.parentSpanId === 'string' ? span.parentSpanId.toLowerCase() : '',
            attributes: keyValues(attributeList, `${where}.attributes`, 0, MAX_ATTRIBUTES),
          }
        : null,
  };
}

/** Decodes an OTLP/JSON ExportTraceServiceRequest; throws OtlpDecodeError naming what is wrong. */
export function decodeTracesJson(body: Buffer): TraceBatch {
  let parsed: Json;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new OtlpDecodeError(`body is not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(parsed)) throw new OtlpDecodeError('body must be a JSON object (an ExportTraceServiceRequest)');
  const batch: TraceBatch = { resources: [], acceptedSpans: 0, rejectedSpans: 0, rejections: [] };
  const rejections = new SpanRejections(batch);
  arrayAt(parsed, 'resourceSpans', 'request').forEach((resourceSpans, index) => {
    const where = `resourceSpans[${index}]`;
    if (!isObject(resourceSpans)) throw new OtlpDecodeError(`${where} must be an object`);
    const resourceObject = objectAt(resourceSpans, 'resource', where);
    const attributes = resourceObject
      ? keyValues(resourceObject.attributes, `${where}.resource.attributes`, 3, MAX_RESOURCE_ATTRIBUTES)
      : {};
    const resource: ResourceRecord = { serviceName: 'unknown_service', attributes: {}, spans: [] };
    for (const [key, value] of Object.entries(attributes)) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') resource.attributes[key] = String(value);
    }
    resource.serviceName = resource.attributes['service.name'] || 'unknown_service';
    let spanIndex = 0;
    arrayAt(resourceSpans, 'scopeSpans', where).forEach((scope, scopeIndex) => {
      if (!isObject(scope)) throw new OtlpDecodeError(`${where}.scopeSpans[${scopeIndex}] must be an object`);
      for (const span of arrayAt(scope, 'spans', `${where}.scopeSpans[${scopeIndex}]`)) {
        const record = toSpan(span, `${where} span ${spanIndex++}`, rejections);
        if (record) resource.spans.push(record);
      }
    });
    if (resource.spans.length > 0) {
      batch.resources.push(resource);
      batch.acceptedSpans += resource.spans.length;
    }
  });
  return batch;
}
