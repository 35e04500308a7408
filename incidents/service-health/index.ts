// Service health from traces: the surface the collector, server.ts and the dashboards use.

export type { IncidentTraces } from './list-incident-traces.ts';
export { listIncidentTraces } from './list-incident-traces.ts';
export { registerServiceHealth } from './register-service-health.ts';
export { incidentTraceRoutes, serviceRoutes, sloRoutes } from './routes.ts';
export type { AttributeValue, ExceptionRecord, ResourceRecord, SpanRecord, TraceBatch } from './trace-batch.ts';
