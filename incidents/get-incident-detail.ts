import type { Database } from '../platform/index.ts';
import { commanderOf, currentRoles } from './current-roles.ts';
import type { RoleHolder } from './current-roles.ts';
import { getIncident } from './get-incident.ts';
import { incidentFigures } from './incident-figures.ts';
import type { IncidentFigures } from './incident-figures.ts';
import { incidentReference } from './incident-reference.ts';
import { listChecklist } from './list-checklist.ts';
import type { PhaseChecklist } from './list-checklist.ts';
import type { Incident } from './schema/incidents.ts';

export interface IncidentDetail {
  incident: Incident;
  reference: string;
  commander: { id: string; name: string } | null;
  roles: RoleHolder[];
  checklists: PhaseChecklist[];
  /** The exit checklist of the phase the incident is in. */
  currentChecklist: PhaseChecklist | null;
  figures: IncidentFigures;
}

/** Everything a page or a Slack message shows about an incident: facts, roles and checklist state. */
export async function getIncidentDetail(db: Database, idOrReference: string): Promise<IncidentDetail> {
  const incident = await getIncident(db, idOrReference);
  const [roles, checklists] = await Promise.all([currentRoles(db, incident.id), listChecklist(db, incident.id)]);
  return {
    incident,
    reference: incidentReference(incident),
    commander: commanderOf(roles),
    roles,
    checklists,
    currentChecklist: checklists.find((checklist) => checklist.phase === incident.phase) ?? null,
    figures: incidentFigures(incident),
  };
}
