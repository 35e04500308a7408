// Service health from traces: the surface the collector, server.ts and the dashboards use.

export type { ServiceHealth, SloStatus } from './get-service-health.ts';
export { getServiceHealth } from './get-service-health.ts';
export type { OperationSeries, SeriesPoint } from './get-service-series.ts';
export { getServiceSeries } from './get-service-series.ts';
export type { IncidentTraces } from './list-incident-traces.ts';
export { listIncidentTraces } from './list-incident-traces.ts';
export { registerServiceHealth } from './register-service-health.ts';
export { incidentTraceRoutes, serviceRoutes, sloRoutes } from './routes.ts';
export type { AttributeValue, ExceptionRecord, ResourceRecord, SpanRecord, TraceBatch } from './trace-batch.ts';
export { healthWindowRetention, spanRetention } from './trace-retention.ts';
