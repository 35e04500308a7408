import { and, asc, count, gte, inArray, lte, min } from 'drizzle-orm';
import type { Database } from '../../platform/index.ts';
import { getIncident } from '../get-incident.ts';
import type { ErrorSpan } from './schema/error-spans.ts';
import { errorSpans } from './schema/error-spans.ts';
import type { AttributeValue, SpanKindName } from './trace-batch.ts';
import { SPAN_KINDS } from './trace-batch.ts';

/** Error spans this long before an incident started still explain it (the failure precedes detection). */
export const TRACE_LOOKBACK_MS = 30 * 60 * 1000;
const MAX_SPANS = 200;

export interface EvidenceSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  service: string;
  name: string;
  kind: SpanKindName;
  startedAt: Date;
  durationMs: number;
  statusMessage: string;
  httpStatus: number | null;
  exception: { type: string | null; message: string | null; stacktrace: string | null } | null;
  attributes: Record<string, AttributeValue>;
  resource: Record<string, string>;
}

export interface IncidentTraces {
  incidentId: string;
  services: string[];
  from: Date;
  to: Date;
  /** The earliest error span of the incident's services in its time range. */
  firstErrorAt: Date | null;
  /** Error spans stored for the range (evidence is sampled: at most a few per service per minute). */
  totalErrorSpans: number;
  traces: { traceId: string; firstErrorAt: Date; services: string[]; spans: EvidenceSpan[] }[];
  truncated: boolean;
}

function present(span: ErrorSpan): EvidenceSpan {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    service: span.service,
    name: span.spanName,
    kind: SPAN_KINDS[span.spanKind] ?? 'unspecified',
    startedAt: span.startedAt,
    durationMs: span.durationMs,
    statusMessage: span.statusMessage,
    httpStatus: span.httpStatus,
    exception:
      span.exceptionType || span.exceptionMessage
        ? { type: span.exceptionType, message: span.exceptionMessage, stacktrace: span.exceptionStacktrace }
        : null,
    attributes: span.attributes,
    resource: span.resource,
  };
}

/**
 * The traces that explain an incident: error spans of its services (and of its alerts' `service`
 * label) from shortly before it started until it closed, grouped by trace, earliest first.
 */
export async function listIncidentTraces(db: Database, incidentIdOrRef: string, now: Date = new Date()): Promise<IncidentTraces> {
  const incident = await getIncident(db, incidentIdOrRef);
  const services = [...new Set([...incident.services, ...(incident.labels.service ? [incident.labels.service] : [])])];
  const from = new Date(incident.startedAt.getTime() - TRACE_LOOKBACK_MS);
  const to = incident.closedAt ?? now;
  const empty: IncidentTraces = {
    incidentId: incident.id,
    services,
    from,
    to,
    firstErrorAt: null,
    totalErrorSpans: 0,
    traces: [],
    truncated: false,
  };
  if (services.length === 0) return empty;
  const inRange = and(inArray(errorSpans.service, services), gte(errorSpans.startedAt, from), lte(errorSpans.startedAt, to));
  const [summary] = await db
    .select({ first: min(errorSpans.startedAt), total: count() })
    .from(errorSpans)
    .where(inRange);
  if (!summary?.first) return empty;
  const spans = await db
    .select()
    .from(errorSpans)
    .where(inRange)
    .orderBy(asc(errorSpans.startedAt), asc(errorSpans.spanId))
    .limit(MAX_SPANS);
  const traces = new Map<string, IncidentTraces['traces'][number]>();
  for (const span of spans) {
    let trace = traces.get(span.traceId);
    if (!trace) {
      trace = { traceId: span.traceId, firstErrorAt: span.startedAt, services: [], spans: [] };
      traces.set(span.traceId, trace);
    }
    if (!trace.services.includes(span.service)) trace.services.push(span.service);
    trace.spans.push(present(span));
  }
  return {
    ...empty,
    firstErrorAt: new Date(summary.first),
    totalErrorSpans: Number(summary.total),
    traces: [...traces.values()],
    truncated: Number(summary.total) > spans.length,
  };
}
