export type { MetricsSource, ScrapeMetric } from './metrics.ts';
export { collectMetrics, defineMetric, defineScrapeMetric, httpRequestDuration, httpRequests, metricsRegistry } from './metrics.ts';
export { startSelfTracing } from './tracing.ts';
