import { and, gt, lte } from 'drizzle-orm';
import type { Database } from '../../platform/index.ts';
import { LATENCY_BUCKET_COUNT, percentileOf } from './latency-buckets.ts';
import { serviceWindows } from './schema/service-windows.ts';
import { SPAN_KINDS } from './trace-batch.ts';

/** One slot of a series: requests per second, the error ratio and latency percentiles (null without requests). */
export interface SeriesPoint {
  at: Date;
  rate: number;
  errorRatio: number | null;
  p50: number | null;
  p99: number | null;
}

export interface OperationSeries {
  service: string;
  operation: string;
  kind: string;
  points: SeriesPoint[];
}

interface Slot {
  requests: number;
  errors: number;
  buckets: number[];
}

const ENTRY_KINDS = new Set(['server', 'consumer']);

/**
 * Each service's operations over the last `minutes`, in `slots` equal slots: what the service-health
 * page draws. A service's own series (operation '') sums its entry spans, or all of them when it has none.
 */
export async function getServiceSeries(
  db: Database,
  options: { minutes: number; slots: number; service?: string },
  now: Date = new Date(),
): Promise<OperationSeries[]> {
  const span = options.minutes * 60_000;
  const slotMs = span / options.slots;
  const since = new Date(now.getTime() - span);
  const rows = await db
    .select()
    .from(serviceWindows)
    .where(and(gt(serviceWindows.windowStart, since), lte(serviceWindows.windowStart, now)));
  const series = new Map<string, { service: string; operation: string; kind: string; slots: Slot[] }>();
  const slotsFor = (service: string, operation: string, kind: string) => {
    const key = `${service}\u0000${operation}\u0000${kind}`;
    let found = series.get(key);
    if (!found) {
      found = {
        service,
        operation,
        kind,
        slots: Array.from({ length: options.slots }, () => ({
          requests: 0,
          errors: 0,
          buckets: new Array<number>(LATENCY_BUCKET_COUNT).fill(0),
        })),
      };
      series.set(key, found);
    }
    return found.slots;
  };
  const hasEntry = new Set(rows.filter((row) => ENTRY_KINDS.has(SPAN_KINDS[row.spanKind] ?? '')).map((row) => row.service));
  for (const row of rows) {
    if (options.service && row.service !== options.service) continue;
    const index = Math.min(options.slots - 1, Math.floor((row.windowStart.getTime() - since.getTime()) / slotMs));
    const kind = SPAN_KINDS[row.spanKind] ?? 'unspecified';
    const targets = [slotsFor(row.service, row.spanName, kind)];
    if (!hasEntry.has(row.service) || ENTRY_KINDS.has(kind)) targets.push(slotsFor(row.service, '', ''));
    for (const slots of targets) {
      const slot = slots[index];
      if (!slot) continue;
      slot.requests += row.requests;
      slot.errors += row.errors;
      row.latencyBuckets.forEach((count, bucket) => {
        slot.buckets[bucket] = (slot.buckets[bucket] ?? 0) + count;
      });
    }
  }
  return [...series.values()]
    .sort((a, b) => a.service.localeCompare(b.service) || a.operation.localeCompare(b.operation))
    .map(({ slots, ...named }) => ({
      ...named,
      points: slots.map((slot, index) => ({
        at: new Date(since.getTime() + (index + 1) * slotMs),
        rate: slot.requests / (slotMs / 1000),
        errorRatio: slot.requests ? slot.errors / slot.requests : null,
        p50: slot.requests ? percentileOf(slot.buckets, 0.5) : null,
        p99: slot.requests ? percentileOf(slot.buckets, 0.99) : null,
      })),
    }));
}
