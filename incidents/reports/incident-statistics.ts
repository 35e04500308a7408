import type { SQL } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database, Severity } from '../../platform/index.ts';
import { queryRows, SEVERITIES } from '../../platform/index.ts';
import type { Phase } from '../phases.ts';

export const StatisticsQuery = z
  .object({
    /** Incidents detected at or after this time (default: 30 days ago). */
    since: z.coerce.date().optional(),
    until: z.coerce.date().optional(),
    severity: z.enum(SEVERITIES).optional(),
    service: z.string().max(200).optional(),
  })
  .strict();
export type StatisticsQuery = z.infer<typeof StatisticsQuery>;

export interface FigureStatistics {
  /** Incidents that reached the milestone. */
  count: number;
  meanSeconds: number | null;
  p50Seconds: number | null;
  p90Seconds: number | null;
}

export const FIGURES = ['detect', 'acknowledge', 'contain', 'recover'] as const;
export type Figure = (typeof FIGURES)[number];

export interface IncidentStatistics {
  since: Date;
  until: Date;
  incidents: number;
  figures: Record<Figure, FigureStatistics>;
  open: { phase: Phase; severity: Severity; count: number }[];
}

// The same definitions as incidentFigures(): detection from the start, acknowledgement from detection,
// containment and recovery from the start.
const INTERVALS: Record<Figure, SQL> = {
  detect: sql`extract(epoch from detected_at - started_at)`,
  acknowledge: sql`extract(epoch from acknowledged_at - detected_at)`,
  contain: sql`extract(epoch from contained_at - started_at)`,
  recover: sql`extract(epoch from recovered_at - started_at)`,
};

type Row = Record<string, string | number | null>;
const numberOrNull = (value: string | number | null | undefined) =>
  value === null || value === undefined ? null : Math.round(Number(value) * 10) / 10;

/** Response times over incidents detected in a window, and what is open now by phase and severity. */
export async function incidentStatistics(db: Database, query: StatisticsQuery = {}, now: Date = new Date()): Promise<IncidentStatistics> {
  const until = query.until ?? now;
  const since = query.since ?? new Date(until.getTime() - 30 * 24 * 3600 * 1000);
  const filters = [sql`detected_at >= ${since}`, sql`detected_at < ${until}`];
  if (query.severity) filters.push(sql`severity = ${query.severity}`);
  if (query.service) filters.push(sql`${query.service} = any(services)`);
  const columns = sql.join(
    FIGURES.map((figure) => {
      const interval = INTERVALS[figure];
      return sql`count(${interval}) as ${sql.identifier(`${figure}_count`)},
        avg(${interval}) as ${sql.identifier(`${figure}_mean`)},
        percentile_cont(0.5) within group (order by ${interval}) as ${sql.identifier(`${figure}_p50`)},
        percentile_cont(0.9) within group (order by ${interval}) as ${sql.identifier(`${figure}_p90`)}`;
    }),
    sql`, `,
  );
  const [row] = await queryRows<Row>(
    db,
    sql`select count(*) as incidents, ${columns} from incidents where ${sql.join(filters, sql` and `)}`,
  );
  const figures = Object.fromEntries(
    FIGURES.map((figure) => [
      figure,
      {
        count: Number(row?.[`${figure}_count`] ?? 0),
        meanSeconds: numberOrNull(row?.[`${figure}_mean`]),
        p50Seconds: numberOrNull(row?.[`${figure}_p50`]),
        p90Seconds: numberOrNull(row?.[`${figure}_p90`]),
      },
    ]),
  ) as Record<Figure, FigureStatistics>;
  const open = await openIncidentCounts(db);
  return { since, until, incidents: Number(row?.incidents ?? 0), figures, open };
}

/** Open incidents by phase and severity (served by incidents_phase_severity_idx). */
export async function openIncidentCounts(db: Database): Promise<{ phase: Phase; severity: Severity; count: number }[]> {
  const rows = await queryRows<{ phase: Phase; severity: Severity; count: string | number }>(
    db,
    sql`select phase, severity, count(*) as count from incidents where closed_at is null group by phase, severity order by phase, severity`,
  );
  return rows.map((row) => ({ phase: row.phase, severity: row.severity, count: Number(row.count) }));
}
