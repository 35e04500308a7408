export { metricsRegistry, defineMetric, defineScrapeMetric, collectMetrics, httpRequests, httpRequestDuration } from './metrics.ts';
export type { MetricsSource, ScrapeMetric } from './metrics.ts';
export { startSelfTracing } from './tracing.ts';
