import { and, eq, gt, lte, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../platform/index.ts';
import { queryRows } from '../../platform/index.ts';
import { LATENCY_BUCKET_COUNT, percentileOf } from './latency-buckets.ts';
import { listSlos } from './list-slos.ts';
import { serviceWindows } from './schema/service-windows.ts';
import type { Slo } from './schema/slos.ts';
import type { SpanKindName } from './trace-batch.ts';
import { SPAN_KINDS } from './trace-batch.ts';

export const ServiceHealthQuery = z.object({
  service: z.string().min(1).max(200).optional(),
  /** How far back the figures look, in minutes. */
  windowMinutes: z.coerce
    .number()
    .int()
    .min(1)
    .max(3 * 24 * 60)
    .default(5),
  /** The end of the period (ISO 8601); default now. Lets a reader look at a service as it was during an incident. */
  until: z.coerce.date().optional(),
});
export type ServiceHealthQuery = z.input<typeof ServiceHealthQuery>;

export interface HealthFigures {
  requests: number;
  errors: number;
  /** Requests per second over the window. */
  rate: number;
  errorRatio: number;
  latencyMs: { mean: number | null; p50: number | null; p95: number | null; p99: number | null };
}

export interface OperationHealth extends HealthFigures {
  name: string;
  kind: SpanKindName;
}

export interface SloStatus {
  id: string;
  name: string;
  indicator: Slo['indicator'];
  objective: number;
  thresholdMs: number | null;
  operation: string | null;
  spanKind: Slo['spanKind'];
  source: Slo['source'];
  /** 'page' (fast burn), 'ticket' (slow burn) or 'ok', as of the last evaluation. */
  status: 'page' | 'ticket' | 'ok';
  burningSince: Date | null;
  burnRates: Record<string, number>;
  lastEvaluatedAt: Date | null;
}

export interface ServiceHealth extends HealthFigures {
  service: string;
  /** Which spans the service's own figures count: its entry points (server and consumer spans) when it has any. */
  basis: 'entry' | 'all';
  lastSeenAt: Date | null;
  operations: OperationHealth[];
  slos: SloStatus[];
}

interface Accumulated {
  requests: number;
  errors: number;
  latencySumMs: number;
  buckets: number[];
}

const ENTRY_KINDS = new Set([SPAN_KINDS.indexOf('server'), SPAN_KINDS.indexOf('consumer')]);

function figures(total: Accumulated, seconds: number): HealthFigures {
  return {
    requests: total.requests,
    errors: total.errors,
    rate: Number((total.requests / seconds).toFixed(3)),
    errorRatio: total.requests ? total.errors / total.requests : 0,
    latencyMs: {
      mean: total.requests ? total.latencySumMs / total.requests : null,
      p50: percentileOf(total.buckets, 0.5),
      p95: percentileOf(total.buckets, 0.95),
      p99: percentileOf(total.buckets, 0.99),
    },
  };
}

function add(into: Accumulated, from: Accumulated): void {
  into.requests += from.requests;
  into.errors += from.errors;
  into.latencySumMs += from.latencySumMs;
  from.buckets.forEach((count, index) => {
    into.buckets[index] = (into.buckets[index] ?? 0) + count;
  });
}

const empty = (): Accumulated => ({ requests: 0, errors: 0, latencySumMs: 0, buckets: new Array<number>(LATENCY_BUCKET_COUNT).fill(0) });

function sloStatus(slo: Slo): SloStatus {
  const status = slo.pageBurningSince ? 'page' : slo.ticketBurningSince ? 'ticket' : 'ok';
  return {
    id: slo.id,
    name: slo.name,
    indicator: slo.indicator,
    objective: slo.objective,
    thresholdMs: slo.thresholdMs,
    operation: slo.operation,
    spanKind: slo.spanKind,
    source: slo.source,
    status,
    burningSince: slo.pageBurningSince ?? slo.ticketBurningSince,
    burnRates: slo.lastBurnRates,
    lastEvaluatedAt: slo.lastEvaluatedAt,
  };
}

/** Health per service from its span windows (rate, error ratio, latency percentiles) and its SLOs' status. */
export async function getServiceHealth(db: Database, rawQuery: ServiceHealthQuery = {}, now: Date = new Date()): Promise<ServiceHealth[]> {
  const query = ServiceHealthQuery.parse(rawQuery);
  const end = query.until ?? now;
  const seconds = query.windowMinutes * 60;
  const since = new Date(end.getTime() - seconds * 1000);
  const where = and(
    gt(serviceWindows.windowStart, since),
    lte(serviceWindows.windowStart, end),
    query.service ? eq(serviceWindows.service, query.service) : undefined,
  );
  const rows = await queryRows<{
    service: string;
    span_name: string;
    span_kind: number;
    requests: string | number;
    errors: string | number;
    latency_sum_ms: number;
    last_seen_at: string | Date;
  }>(
    db,
    sql`select ${serviceWindows.service} as service, ${serviceWindows.spanName} as span_name, ${serviceWindows.spanKind} as span_kind,
               sum(${serviceWindows.requests}) as requests, sum(${serviceWindows.errors}) as errors,
               sum(${serviceWindows.latencySumMs}) as latency_sum_ms, max(${serviceWindows.windowStart}) as last_seen_at
        from ${serviceWindows} where ${where}
        group by 1, 2, 3`,
  );
  const bucketRows = await queryRows<{
    service: string;
    span_name: string;
    span_kind: number;
    bucket: string | number;
    count: string | number;
  }>(
    db,
    sql`select ${serviceWindows.service} as service, ${serviceWindows.spanName} as span_name, ${serviceWindows.spanKind} as span_kind,
               b.i as bucket, sum(b.c) as count
        from ${serviceWindows}, unnest(${serviceWindows.latencyBuckets}) with ordinality as b(c, i)
        where ${where}
        group by 1, 2, 3, 4`,
  );
  const bucketsOf = new Map<string, number[]>();
  for (const row of bucketRows) {
    const key = `${row.service}\u0000${row.span_name}\u0000${row.span_kind}`;
    const buckets = bucketsOf.get(key) ?? new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
    buckets[Number(row.bucket) - 1] = Number(row.count);
    bucketsOf.set(key, buckets);
  }
  const slosByService = new Map<string, Slo[]>();
  for (const slo of await listSlos(db, query.service)) slosByService.set(slo.service, [...(slosByService.get(slo.service) ?? []), slo]);

  const services = new Map<string, { entry: Accumulated; all: Accumulated; lastSeenAt: Date | null; operations: OperationHealth[] }>();
  for (const row of rows) {
    let service = services.get(row.service);
    if (!service) {
      service = { entry: empty(), all: empty(), lastSeenAt: null, operations: [] };
      services.set(row.service, service);
    }
    const accumulated: Accumulated = {
      requests: Number(row.requests),
      errors: Number(row.errors),
      latencySumMs: Number(row.latency_sum_ms),
      buckets: bucketsOf.get(`${row.service}\u0000${row.span_name}\u0000${row.span_kind}`) ?? empty().buckets,
    };
    add(service.all, accumulated);
    if (ENTRY_KINDS.has(Number(row.span_kind))) add(service.entry, accumulated);
    const seen = new Date(row.last_seen_at);
    if (!service.lastSeenAt || seen > service.lastSeenAt) service.lastSeenAt = seen;
    service.operations.push({
      name: row.span_name,
      kind: SPAN_KINDS[Number(row.span_kind)] ?? 'unspecified',
      ...figures(accumulated, seconds),
    });
  }
  // Services with SLOs but no recent spans are listed too: silence is worth seeing.
  for (const name of slosByService.keys())
    if (!services.has(name)) services.set(name, { entry: empty(), all: empty(), lastSeenAt: null, operations: [] });

  return [...services.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, service]) => {
      const basis = service.entry.requests > 0 ? 'entry' : 'all';
      return {
        service: name,
        basis,
        ...figures(basis === 'entry' ? service.entry : service.all, seconds),
        lastSeenAt: service.lastSeenAt,
        operations: service.operations.sort((a, b) => b.requests - a.requests),
        slos: (slosByService.get(name) ?? []).map(sloStatus),
      };
    });
}
