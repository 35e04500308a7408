import { Gauge } from 'prom-client';
import { buildComplianceReport } from '../incidents/index.ts';
import { defineScrapeMetric } from '../platform/index.ts';

/** How far an open obligation is from its deadline, as the Grafana "deadlines at risk" panels group it. */
export const DEADLINE_BUCKETS = ['overdue', 'due_within_6h', 'due_within_24h', 'later', 'untimed'] as const;

/** Adds the breach deadline gauge to /metrics, read at each scrape from the scraped service's database (so every replica agrees). */
export function defineDeadlineMetrics(): void {
  defineScrapeMetric(
    'firebreak_breach_deadlines_open',
    (source, registry) =>
      new Gauge({
        name: 'firebreak_breach_deadlines_open',
        help: 'Open breach-notification obligations by how soon they are due (overdue, due_within_6h, due_within_24h, later, untimed).',
        labelNames: ['due'] as const,
        registers: [registry],
        async collect() {
          try {
            const now = Date.now();
            const report = await buildComplianceReport(source.db);
            const counts = Object.fromEntries(DEADLINE_BUCKETS.map((bucket) => [bucket, 0])) as Record<
              (typeof DEADLINE_BUCKETS)[number],
              number
            >;
            for (const entry of report.obligations) {
              if (entry.outcome === 'untimed') counts.untimed++;
              if (entry.outcome === 'overdue') counts.overdue++;
              if (entry.outcome !== 'open' || !entry.dueAt) continue;
              const hours = (Date.parse(entry.dueAt) - now) / 3_600_000;
              counts[hours <= 6 ? 'due_within_6h' : hours <= 24 ? 'due_within_24h' : 'later']++;
            }
            for (const bucket of DEADLINE_BUCKETS) this.set({ due: bucket }, counts[bucket]);
          } catch (error) {
            source.logger.warn({ err: error }, 'could not read breach deadlines for /metrics');
          }
        },
      }),
  );
}
