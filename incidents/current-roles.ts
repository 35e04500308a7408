import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Database } from '../platform/index.ts';
import { incidentRoles } from './schema/incident-roles.ts';
import type { IncidentRoleRow } from './schema/incident-roles.ts';

export interface RoleHolder {
  role: IncidentRoleRow['role'];
  userId: string | null;
  name: string;
  assignedAt: Date;
  assignedByName: string;
}

/** The roles currently held in an incident, oldest assignment first. */
export async function currentRoles(db: Database, incidentId: string): Promise<RoleHolder[]> {
  const rows = await db
    .select()
    .from(incidentRoles)
    .where(and(eq(incidentRoles.incidentId, incidentId), isNull(incidentRoles.releasedAt)))
    .orderBy(asc(incidentRoles.assignedAt));
  return rows.map((row) => ({ role: row.role, userId: row.userId, name: row.name, assignedAt: row.assignedAt, assignedByName: row.assignedByName }));
}

/** The commander as the notifier's snapshot wants it. */
export function commanderOf(roles: RoleHolder[]): { id: string; name: string } | null {
  const commander = roles.find((holder) => holder.role === 'commander');
  return commander ? { id: commander.userId ?? commander.name, name: commander.name } : null;
}

export async function currentCommander(db: Database, incidentId: string): Promise<{ id: string; name: string } | null> {
  return commanderOf(await currentRoles(db, incidentId));
}
