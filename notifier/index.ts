export { notifyIncidentChange } from './notify-incident-change.ts';
export { INCIDENT_CHANGE_KINDS } from './incident-change.ts';
export type { IncidentChange, IncidentChangeKind, IncidentSnapshot } from './incident-change.ts';
