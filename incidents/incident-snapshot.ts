import type { IncidentSnapshot } from '../notifier/index.ts';
import { incidentReference } from './incident-reference.ts';
import type { Incident } from './schema/incidents.ts';

/** What the notifier needs to know of an incident to render a message about it. */
export function incidentSnapshot(
  incident: Pick<Incident, 'id' | 'number' | 'title' | 'severity' | 'phase' | 'services' | 'acknowledgedAt' | 'recoveredAt' | 'closedAt'>,
  commander: IncidentSnapshot['commander'] = null,
): IncidentSnapshot {
  return {
    id: incident.id,
    reference: incidentReference(incident),
    title: incident.title,
    severity: incident.severity,
    phase: incident.phase,
    services: incident.services,
    commander,
    acknowledgedAt: incident.acknowledgedAt,
    recoveredAt: incident.recoveredAt,
    closedAt: incident.closedAt,
  };
}
