import { Gauge } from 'prom-client';
import { defineScrapeMetric, SEVERITIES } from '../platform/index.ts';
import { PHASES } from './phases.ts';
import { FIGURES, incidentStatistics, openIncidentCounts } from './reports/index.ts';

/**
 * Adds the incident gauges to /metrics. Each scrape reads them from the scraped service's database:
 * the figures live in Postgres, so every replica reports the same values and nothing is lost on restart.
 */
export function defineIncidentMetrics(): void {
  defineScrapeMetric(
    'firebreak_incidents_open',
    (source, registry) =>
      new Gauge({
        name: 'firebreak_incidents_open',
        help: 'Open incidents by phase and severity.',
        labelNames: ['phase', 'severity'] as const,
        registers: [registry],
        async collect() {
          try {
            const counts = await openIncidentCounts(source.db);
            for (const phase of PHASES) for (const severity of SEVERITIES) this.set({ phase, severity }, 0);
            for (const row of counts) this.set({ phase: row.phase, severity: row.severity }, row.count);
          } catch (error) {
            source.logger.warn({ err: error }, 'could not read open incident counts for /metrics');
          }
        },
      }),
  );

  defineScrapeMetric(
    'firebreak_incident_response_seconds',
    (source, registry) =>
      new Gauge({
        name: 'firebreak_incident_response_seconds',
        help: 'Time to detect, acknowledge, contain and recover over incidents detected in the last 30 days (mean, p50, p90).',
        labelNames: ['figure', 'statistic'] as const,
        registers: [registry],
        async collect() {
          try {
            const statistics = await incidentStatistics(source.db);
            for (const figure of FIGURES) {
              const values = statistics.figures[figure];
              if (values.meanSeconds !== null) this.set({ figure, statistic: 'mean' }, values.meanSeconds);
              if (values.p50Seconds !== null) this.set({ figure, statistic: 'p50' }, values.p50Seconds);
              if (values.p90Seconds !== null) this.set({ figure, statistic: 'p90' }, values.p90Seconds);
            }
          } catch (error) {
            source.logger.warn({ err: error }, 'could not read incident response figures for /metrics');
          }
        },
      }),
  );
}
