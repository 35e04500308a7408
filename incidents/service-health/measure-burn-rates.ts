import type { SQL } from 'drizzle-orm';
import { and, eq, gt, lte, sql } from 'drizzle-orm';
import type { Database } from '../../platform/index.ts';
import { queryRows } from '../../platform/index.ts';
import type { BurnRates, BurnWindow } from './burn-rate-rules.ts';
import { BURN_WINDOWS, burnRate } from './burn-rate-rules.ts';
import { firstBucketAbove } from './latency-buckets.ts';
import { serviceWindows } from './schema/service-windows.ts';
import type { Slo } from './schema/slos.ts';
import { SPAN_KINDS } from './trace-batch.ts';

/** The spans an SLO counts: its service, its span kind (unless 'any') and its operation (if set). */
export function sloSpanFilter(slo: Pick<Slo, 'service' | 'spanKind' | 'operation'>): SQL {
  const conditions: SQL[] = [eq(serviceWindows.service, slo.service)];
  if (slo.spanKind !== 'any') conditions.push(eq(serviceWindows.spanKind, SPAN_KINDS.indexOf(slo.spanKind)));
  if (slo.operation) conditions.push(eq(serviceWindows.spanName, slo.operation));
  return and(...conditions) ?? sql`true`;
}

/** Bad events of a window row: errors, or requests slower than the latency threshold. */
function badEvents(slo: Pick<Slo, 'indicator' | 'thresholdMs'>): SQL {
  if (slo.indicator === 'availability' || slo.thresholdMs === null) return sql`${serviceWindows.errors}`;
  // Postgres arrays are 1-based: bucket index k (0-based) is element k + 1.
  const from = firstBucketAbove(slo.thresholdMs) + 1;
  return sql`(select coalesce(sum(b), 0) from unnest(${serviceWindows.latencyBuckets}[${sql.raw(String(from))}:]) as b)`;
}

/** Burn rates of an SLO over the rule windows ending at `now`, in one query over its service's windows. */
export async function measureBurnRates(db: Database, slo: Slo, now: Date): Promise<BurnRates & { events: Record<BurnWindow, number> }> {
  const windows = Object.entries(BURN_WINDOWS) as [BurnWindow, number][];
  const since = (seconds: number) => new Date(now.getTime() - seconds * 1000);
  const columns = windows.map(
    ([name, seconds]) =>
      sql`coalesce(sum(requests) filter (where window_start > ${since(seconds)}), 0)::float8 as ${sql.identifier(`total_${name}`)},
          coalesce(sum(bad) filter (where window_start > ${since(seconds)}), 0)::float8 as ${sql.identifier(`bad_${name}`)}`,
  );
  const longest = Math.max(...windows.map(([, seconds]) => seconds));
  const [row] = await queryRows<Record<string, number | string>>(
    db,
    sql`select ${sql.join(columns, sql`, `)}
        from (select ${serviceWindows.windowStart} as window_start, ${serviceWindows.requests} as requests, ${badEvents(slo)} as bad
              from ${serviceWindows}
              where ${and(sloSpanFilter(slo), gt(serviceWindows.windowStart, since(longest)), lte(serviceWindows.windowStart, now))}) as w`,
  );
  const rates = {} as BurnRates;
  const events = {} as Record<BurnWindow, number>;
  for (const [name] of windows) {
    const total = Number(row?.[`total_${name}`] ?? 0);
    rates[name] = burnRate(Number(row?.[`bad_${name}`] ?? 0), total, slo.objective);
    events[name] = total;
  }
  return { ...rates, events };
}
