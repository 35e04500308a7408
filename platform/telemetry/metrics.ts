import type { Metric } from 'prom-client';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { Database } from '../database/index.ts';
import type { Logger } from '../logger.ts';

/**
 * One registry per process. Parts define their own firebreak_* metrics on it with the helpers
 * below; a metric is created once even when a test builds several apps in one process.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

export const httpRequests = new Counter({
  name: 'firebreak_http_requests_total',
  help: 'HTTP requests answered, by method, route pattern and status.',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [metricsRegistry],
});

export const httpRequestDuration = new Histogram({
  name: 'firebreak_http_request_duration_seconds',
  help: 'Time to answer HTTP requests, by method, route pattern and status.',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

/** Returns the metric registered under `name`, creating it with `create` the first time. */
export function defineMetric<T>(name: string, create: () => T): T {
  return (metricsRegistry.getSingleMetric(name) as T | undefined) ?? create();
}

/** The service a /metrics scrape is for: what a metric computed at scrape time reads. */
export interface MetricsSource {
  db: Database;
  logger: Logger;
}

/** Makes, for one scrape, a metric registered on `registry` that reads `source` (a gauge with a collect()). */
export type ScrapeMetric = (source: MetricsSource, registry: Registry) => Metric;

// Metrics read from a service's database (open incidents, breach deadlines) cannot live in the process
// registry: a process may run several services (the tests do), and a shared gauge would show whichever
// service registered, or was scraped, last. They are made afresh for each scrape from the scraped
// service; this map says which exist, the same for every service in the process.
const scrapeMetrics = new Map<string, ScrapeMetric>();

/** Adds a metric made at each /metrics scrape from the scraped service's database (once per name). */
export function defineScrapeMetric(name: string, create: ScrapeMetric): void {
  scrapeMetrics.set(name, create);
}

/** The Prometheus exposition for one service's /metrics: the process's metrics and its own. */
export function collectMetrics(source: MetricsSource): Promise<string> {
  const own = new Registry();
  for (const create of scrapeMetrics.values()) create(source, own);
  return Registry.merge([metricsRegistry, own]).metrics();
}
