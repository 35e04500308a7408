import type { Database } from '../../platform/index.ts';
import { epochMs, preparedStatement } from '../../platform/index.ts';
import type { IncidentRoleRow } from './schema/incident-roles.ts';

export interface RoleHolder {
  role: IncidentRoleRow['role'];
  userId: string | null;
  name: string;
  assignedAt: Date;
  assignedByName: string;
}

// Read for every message about an incident (the commander is named in it): a prepared statement.
const selectCurrentRoles = preparedStatement<
  [incidentId: string],
  { role: RoleHolder['role']; user_id: string | null; name: string; assigned_at: number; assigned_by_name: string }
>(`
  select role, user_id::text as user_id, name, ${epochMs('assigned_at')} as assigned_at, assigned_by_name
  from incident_roles where incident_id = $1::text::uuid and released_at is null order by assigned_at`);

/** The roles currently held in an incident, oldest assignment first. */
export async function currentRoles(db: Database, incidentId: string): Promise<RoleHolder[]> {
  const rows = await selectCurrentRoles(db, incidentId);
  return rows.map((row) => ({
    role: row.role,
    userId: row.user_id,
    name: row.name,
    assignedAt: new Date(row.assigned_at),
    assignedByName: row.assigned_by_name,
  }));
}

/** The commander as the notifier's snapshot wants it. */
export function commanderOf(roles: RoleHolder[]): { id: string; name: string } | null {
  const commander = roles.find((holder) => holder.role === 'commander');
  return commander ? { id: commander.userId ?? commander.name, name: commander.name } : null;
}

export async function currentCommander(db: Database, incidentId: string): Promise<{ id: string; name: string } | null> {
  return commanderOf(await currentRoles(db, incidentId));
}
