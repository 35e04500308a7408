import type { Context } from 'hono';
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { TraceBatch } from '../../incidents/index.ts';
import type { AppEnv } from '../../platform/index.ts';
import { defineMetric, metricsRegistry, replaceUnsafeTextDeep, requirePermission, unsafeText } from '../../platform/index.ts';
import { OtlpAdmission } from './admission.ts';
import { decodeTracesJson } from './decode-json.ts';
import { describeRejections, OtlpDecodeError } from './decode-limits.ts';
import { decodeTracesProtobufInSlices } from './decode-protobuf.ts';
import type { OtlpEncoding } from './otlp-response.ts';
import {
  CONTENT_TYPES,
  encodeExportResponse,
  encodeStatus,
  GRPC_INVALID_ARGUMENT,
  GRPC_RESOURCE_EXHAUSTED,
  GRPC_UNAVAILABLE,
  GRPC_UNIMPLEMENTED,
} from './otlp-response.ts';
import { BodyEncodingError, BodyTooLargeError, decodeContent, readLimited } from './read-body.ts';

/** Where decoded spans go: service health (incidents/services). */
export interface TraceSink {
  record(batch: TraceBatch): void;
  /** True while the sink cannot keep up; requests are then refused with 503 + Retry-After. */
  readonly backedUp: boolean;
}

export interface OtlpRouteOptions {
  sink: TraceSink;
  /** Largest body accepted, on the wire and again once decompressed. */
  maxBodyBytes: number;
  /** Bytes that requests in flight may hold together before new ones wait. */
  maxInFlightBytes: number;
  maxInFlightRequests: number;
  /** Requests that may wait for a slot before new ones get 429. */
  maxQueuedRequests: number;
  /** How long a request may wait for a slot before it gets 429. */
  maxQueueWaitMs: number;
}

/*
 * Retry-After values. OTLP exporters give up when Retry-After exceeds what is left of their export
 * timeout (10 s by default in the SDKs), so both stay well below it: requests in flight drain within
 * a second; a database backlog clears at the next flush.
 */
const RETRY_AFTER_SHED_SECONDS = '1';
const RETRY_AFTER_BACKLOG_SECONDS = '5';

export const OTLP_TRACES_PATH = '/v1/traces';

const otlpRequests = defineMetric(
  'firebreak_otlp_requests_total',
  () =>
    new Counter({
      name: 'firebreak_otlp_requests_total',
      help: 'OTLP/HTTP export requests by encoding and outcome (ok, partial, invalid, too_large, unsupported, shed).',
      labelNames: ['encoding', 'outcome'] as const,
      registers: [metricsRegistry],
    }),
);

const admissionWait = defineMetric(
  'firebreak_otlp_admission_wait_seconds',
  () =>
    new Histogram({
      name: 'firebreak_otlp_admission_wait_seconds',
      help: 'Time OTLP export requests waited for a slot (0 when one was free), by outcome (admitted, shed).',
      labelNames: ['outcome'] as const,
      buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers: [metricsRegistry],
    }),
);

const requestsWaiting = defineMetric(
  'firebreak_otlp_requests_waiting',
  () =>
    new Gauge({
      name: 'firebreak_otlp_requests_waiting',
      help: 'OTLP export requests waiting in line for a slot now.',
      registers: [metricsRegistry],
    }),
);

function encodingOf(contentType: string | undefined): OtlpEncoding | null {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return null;
}

/**
 * OTLP answers in its own shapes (the OTLP/HTTP specification): ExportTraceServiceResponse on success
 * and google.rpc.Status on failure, in the request's encoding. So this route builds its bodies itself
 * instead of throwing the typed errors that app.onError turns into Firebreak's error shape.
 */
function answer(
  c: Context<AppEnv>,
  encoding: OtlpEncoding,
  status: 200 | 400 | 413 | 415 | 429 | 503,
  body: Uint8Array | string,
): Response {
  c.header('content-type', CONTENT_TYPES[encoding]);
  return c.body(typeof body === 'string' ? body : (body as Uint8Array<ArrayBuffer>), status);
}

function refuse(
  c: Context<AppEnv>,
  encoding: OtlpEncoding,
  status: 400 | 413 | 415 | 429 | 503,
  code: number,
  message: string,
  outcome: string,
): Response {
  otlpRequests.inc({ encoding, outcome });
  return answer(c, encoding, status, encodeStatus(encoding, code, message));
}

async function decode(encoding: OtlpEncoding, body: Buffer): Promise<TraceBatch> {
  try {
    return encoding === 'protobuf' ? await decodeTracesProtobufInSlices(body) : decodeTracesJson(body);
  } catch (error) {
    // Whatever the bytes make a decoder throw is the sender's problem, not a server error.
    if (error instanceof OtlpDecodeError) throw error;
    throw new OtlpDecodeError((error as Error).message);
  }
}

/** POST /v1/traces: OTLP/HTTP trace export, protobuf or JSON, gzip or not. */
export function otlpRoutes(options: OtlpRouteOptions) {
  const admission = new OtlpAdmission(options);

  return new Hono<AppEnv>().post(
    OTLP_TRACES_PATH,
    describeRoute({
      summary: 'Export traces (OTLP/HTTP)',
      description:
        'OTLP/HTTP ExportTraceServiceRequest as application/x-protobuf or application/json, optionally Content-Encoding: gzip. ' +
        'Answers ExportTraceServiceResponse (partial_success names refused spans), or google.rpc.Status with 400, 413, 415, 429 or 503, in the request encoding.',
      tags: ['traces'],
      responses: {
        200: { description: 'Accepted (see partial_success for spans refused one by one)' },
        400: { description: 'Malformed request (google.rpc.Status)' },
        413: { description: 'Body over the limit, on the wire or once decompressed' },
        415: { description: 'Content-Type other than application/x-protobuf or application/json' },
        429: { description: 'Too many requests in flight and waiting; retry after Retry-After seconds' },
        503: { description: 'Service health cannot keep up; retry after Retry-After seconds' },
      },
    }),
    requirePermission('traces:ingest'),
    async (c) => {
      const contentType = c.req.header('content-type');
      const encoding = encodingOf(contentType);
      if (!encoding) {
        // No encoding to answer in: the Status goes out as JSON, which a person debugging can read.
        return refuse(
          c,
          'json',
          415,
          GRPC_UNIMPLEMENTED,
          `Content-Type ${contentType ? `"${contentType}"` : '(none)'} is not accepted; send application/x-protobuf or application/json`,
          'unsupported',
        );
      }
      const declared = Number(c.req.header('content-length') ?? NaN);
      if (declared > options.maxBodyBytes) {
        return refuse(
          c,
          encoding,
          413,
          GRPC_INVALID_ARGUMENT,
          new BodyTooLargeError(options.maxBodyBytes, 'received').message,
          'too_large',
        );
      }
      if (options.sink.backedUp) {
        c.header('Retry-After', RETRY_AFTER_BACKLOG_SECONDS);
        return refuse(c, encoding, 503, GRPC_UNAVAILABLE, 'service health is behind on writing to the database; retry later', 'shed');
      }
      // Reserve what the body may grow to once decompressed (bounded by the limit).
      const isCompressed = Boolean(
        c.req.header('content-encoding')?.trim() && c.req.header('content-encoding')?.trim().toLowerCase() !== 'identity',
      );
      const reserve = Math.min(
        options.maxBodyBytes,
        Number.isFinite(declared) && declared > 0 ? declared * (isCompressed ? 10 : 1) : options.maxBodyBytes,
      );
      const waitStarted = performance.now();
      // Admitted at once, the request leaves the gauge before anything else runs: it counts those in line.
      requestsWaiting.inc();
      const release = await admission.admit(reserve, c.req.raw.signal).finally(() => requestsWaiting.dec());
      admissionWait.observe({ outcome: release ? 'admitted' : 'shed' }, (performance.now() - waitStarted) / 1000);
      if (!release) {
        c.header('Retry-After', RETRY_AFTER_SHED_SECONDS);
        return refuse(c, encoding, 429, GRPC_RESOURCE_EXHAUSTED, 'too many trace exports in flight and in line; retry later', 'shed');
      }
      try {
        const received = await readLimited(c.req.raw.body, options.maxBodyBytes);
        const body = await decodeContent(received, c.req.header('content-encoding'), options.maxBodyBytes);
        const batch = await decode(encoding, body);
        // OTLP has no way to refuse one text: U+0000 and lone surrogates (end users' text in exception
        // messages) become U+FFFD here, once, so that nothing downstream meets them.
        const replaced = replaceUnsafeTextDeep(batch.resources);
        if (replaced) unsafeText.inc({ source: 'otlp', action: 'replaced' }, replaced);
        options.sink.record(batch);
        const message = batch.rejectedSpans ? describeRejections(batch) : '';
        otlpRequests.inc({ encoding, outcome: batch.rejectedSpans ? 'partial' : 'ok' });
        return answer(c, encoding, 200, encodeExportResponse(encoding, batch.rejectedSpans, message));
      } catch (error) {
        if (error instanceof BodyTooLargeError) return refuse(c, encoding, 413, GRPC_INVALID_ARGUMENT, error.message, 'too_large');
        if (error instanceof OtlpDecodeError || error instanceof BodyEncodingError) {
          return refuse(c, encoding, 400, GRPC_INVALID_ARGUMENT, `invalid ExportTraceServiceRequest: ${error.message}`, 'invalid');
        }
        throw error;
      } finally {
        release();
      }
    },
  );
}
