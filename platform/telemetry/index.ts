export { metricsRegistry, defineMetric, httpRequests, httpRequestDuration } from './metrics.ts';
export { startSelfTracing } from './tracing.ts';
