// The incidents part's surface: other parts import from here only.
export { incidentRoutes, presentIncident } from './routes.ts';
export { PHASES, SEVERITIES, severityRank, phaseIndex } from './phases.ts';
export type { Phase, Severity } from './phases.ts';
export { openIncident, OpenIncidentInput } from './open-incident.ts';
export { declareIncident, DeclareIncidentInput } from './declare-incident.ts';
export { getIncident, getIncidentForUpdate } from './get-incident.ts';
export { listIncidents, IncidentListQuery } from './list-incidents.ts';
export { listTimeline, TimelineQuery } from './list-timeline.ts';
export { appendTimelineEvent, TIMELINE_CHANNEL } from './append-timeline-event.ts';
export type { TimelineEventInput } from './append-timeline-event.ts';
export { incidentReference, parseIncidentNumber } from './incident-reference.ts';
export { incidentSnapshot } from './incident-snapshot.ts';
export type { Incident } from './schema/incidents.ts';
export type { TimelineEvent } from './schema/timeline-events.ts';
