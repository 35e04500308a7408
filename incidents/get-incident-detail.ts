import { sql } from 'drizzle-orm';
import type { Database } from '../platform/index.ts';
import { queryRows } from '../platform/index.ts';
import { getIncident } from './get-incident.ts';
import { incidentReference } from './incident-reference.ts';
import type { Phase } from './phases.ts';
import { PHASES, phaseIndex } from './phases.ts';
import type { PhaseChecklist } from './playbooks/index.ts';
import { listChecklist } from './playbooks/index.ts';
import { findRca } from './rca/index.ts';
import type { IncidentFigures } from './reports/index.ts';
import { incidentFigures } from './reports/index.ts';
import type { RoleHolder } from './roles/index.ts';
import { commanderOf, currentRoles } from './roles/index.ts';
import type { Incident } from './schema/incidents.ts';

export interface IncidentDetail {
  incident: Incident;
  reference: string;
  commander: { id: string; name: string } | null;
  roles: RoleHolder[];
  checklists: PhaseChecklist[];
  /** The exit checklist of the phase the incident is in. */
  currentChecklist: PhaseChecklist | null;
  /** The phase a forward move goes to (null in root-cause analysis or when closed) ... */
  nextPhase: Phase | null;
  /** ... and what stands in the way of it ("no commander", "2 open checklist items"); empty when nothing does. */
  blockers: string[];
  figures: IncidentFigures;
  /** Where the root-cause analysis stands, when one has been started. */
  rca: { status: 'draft' | 'approved'; authorName: string; approvedByName: string | null; version: number } | null;
  actionItems: { open: number; overdue: number; total: number };
}

/** Everything a page or a Slack message shows about an incident: facts, roles and checklist state. */
export async function getIncidentDetail(db: Database, idOrReference: string): Promise<IncidentDetail> {
  const incident = await getIncident(db, idOrReference);
  const [roles, checklists, rca, [items]] = await Promise.all([
    currentRoles(db, incident.id),
    listChecklist(db, incident.id),
    findRca(db, incident.id),
    queryRows<{ open: number; overdue: number; total: number }>(
      db,
      sql`select count(*) filter (where status in ('open', 'in_progress'))::int as open,
                 count(*) filter (where status in ('open', 'in_progress') and due_at <= now())::int as overdue,
                 count(*)::int as total
          from action_items where incident_id = ${incident.id}`,
    ),
  ]);
  const currentChecklist = checklists.find((checklist) => checklist.phase === incident.phase) ?? null;
  const nextPhase = incident.closedAt ? null : (PHASES[phaseIndex(incident.phase) + 1] ?? null);
  const blockers: string[] = [];
  if (nextPhase && incident.phase === 'preparation' && !commanderOf(roles)) blockers.push('no commander assigned');
  const open = currentChecklist ? currentChecklist.total - currentChecklist.done : 0;
  if (!incident.closedAt && open > 0) blockers.push(`${open} open checklist item${open === 1 ? '' : 's'}`);
  if (!incident.closedAt && incident.phase === 'root_cause_analysis' && rca?.status !== 'approved')
    blockers.push('root-cause analysis not approved');
  return {
    incident,
    reference: incidentReference(incident),
    commander: commanderOf(roles),
    roles,
    checklists,
    currentChecklist,
    nextPhase,
    blockers,
    figures: incidentFigures(incident),
    rca: rca ? { status: rca.status, authorName: rca.authorName, approvedByName: rca.approvedByName, version: rca.version } : null,
    actionItems: { open: Number(items?.open ?? 0), overdue: Number(items?.overdue ?? 0), total: Number(items?.total ?? 0) },
  };
}
