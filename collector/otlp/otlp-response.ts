/*
 * The bodies OTLP/HTTP answers with, in the request's encoding: ExportTraceServiceResponse on success
 * (with partial_success when spans were refused) and google.rpc.Status on failure. Both are tiny, so
 * they are encoded by hand rather than through protobufjs.
 */

export type OtlpEncoding = 'protobuf' | 'json';

export const CONTENT_TYPES: Record<OtlpEncoding, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/** gRPC status codes used in google.rpc.Status bodies. */
export const GRPC_INVALID_ARGUMENT = 3;
export const GRPC_RESOURCE_EXHAUSTED = 8;
export const GRPC_UNAUTHENTICATED = 16;
export const GRPC_UNAVAILABLE = 14;
export const GRPC_UNIMPLEMENTED = 12;

function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    bytes.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return bytes;
}

function lengthDelimited(field: number, payload: Uint8Array): number[] {
  return [(field << 3) | 2, ...varint(payload.length), ...payload];
}

/** ExportTraceServiceResponse { partial_success = 1 { rejected_spans = 1; error_message = 2 } }. */
export function encodeExportResponse(encoding: OtlpEncoding, rejectedSpans: number, errorMessage: string): Uint8Array | string {
  if (encoding === 'json') {
    // An empty object is a full success; int64 goes out as a string per the protobuf JSON mapping.
    return JSON.stringify(
      rejectedSpans > 0 || errorMessage ? { partialSuccess: { rejectedSpans: String(rejectedSpans), errorMessage } } : {},
    );
  }
  if (rejectedSpans === 0 && !errorMessage) return new Uint8Array(0);
  const inner: number[] = [];
  if (rejectedSpans > 0) inner.push(1 << 3, ...varint(rejectedSpans));
  if (errorMessage) inner.push(...lengthDelimited(2, Buffer.from(errorMessage, 'utf8')));
  return Uint8Array.from(lengthDelimited(1, Uint8Array.from(inner)));
}

/** google.rpc.Status { code = 1; message = 2 }. */
export function encodeStatus(encoding: OtlpEncoding, code: number, message: string): Uint8Array | string {
  if (encoding === 'json') return JSON.stringify({ code, message });
  return Uint8Array.from([(1 << 3) | 0, ...varint(code), ...lengthDelimited(2, Buffer.from(message, 'utf8'))]);
}
