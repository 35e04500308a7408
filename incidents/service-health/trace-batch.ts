/**
 * The plain values the OTLP collector hands to service health. Only what Firebreak uses survives
 * decoding: every span is counted, and only spans worth keeping as evidence carry their details.
 */

/** OTLP SpanKind numbers (opentelemetry/proto/trace/v1/trace.proto). */
export const SPAN_KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;
export type SpanKindName = (typeof SPAN_KINDS)[number];

/** OTLP Status.StatusCode numbers. */
export const STATUS_UNSET = 0;
export const STATUS_OK = 1;
export const STATUS_ERROR = 2;

export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

export interface ExceptionRecord {
  type: string;
  message: string;
  stacktrace: string;
}

/** The details kept for a span that may become evidence (status ERROR or an HTTP 5xx). */
export interface SpanDetails {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  attributes: Record<string, AttributeValue>;
}

export interface SpanRecord {
  name: string;
  /** 0..5, see SPAN_KINDS. */
  kind: number;
  /** Unix time in milliseconds (fractional). */
  startMs: number;
  durationMs: number;
  statusCode: number;
  statusMessage: string;
  /** http.response.status_code (or the older http.status_code); 0 when absent. */
  httpStatus: number;
  exception: ExceptionRecord | null;
  details: SpanDetails | null;
}

export interface ResourceRecord {
  serviceName: string;
  /** The resource's scalar attributes, stringified (where the span ran: host, pod, version...). */
  attributes: Record<string, string>;
  spans: SpanRecord[];
}

export interface TraceBatch {
  resources: ResourceRecord[];
  /** Spans accepted (the sum of resources' spans). */
  acceptedSpans: number;
  /** Spans refused one by one (bad ids, no name), reported back in partial_success. */
  rejectedSpans: number;
  /** The first few reasons, for the partial_success message. */
  rejections: string[];
}

/** A span is an error when its status is ERROR, or when it is a SERVER span answering 5xx. */
export function isErrorSpan(span: Pick<SpanRecord, 'statusCode' | 'kind' | 'httpStatus'>): boolean {
  return span.statusCode === STATUS_ERROR || (span.kind === 2 && span.httpStatus >= 500);
}
