import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { ActionContext } from '../../platform/index.ts';
import { assertPermission } from '../../platform/index.ts';
import { lockIncident } from '../lock-incident.ts';
import type { Incident } from '../schema/incidents.ts';
import type { RoleHolder } from './current-roles.ts';
import { currentRoles } from './current-roles.ts';
import { recordRoleChange } from './record-role-change.ts';
import { INCIDENT_ROLES, incidentRoles, SINGLE_HOLDER_ROLES } from './schema/incident-roles.ts';

export const AssignRoleInput = z.object({
  role: z.enum(INCIDENT_ROLES),
  /** The Firebreak user holding the role, when there is one. */
  userId: z.uuid().optional(),
  name: z.string().trim().min(1).max(200),
  expectedVersion: z.number().int().min(1).optional(),
});
export type AssignRoleInput = z.input<typeof AssignRoleInput>;

const samePerson = (holder: { userId: string | null; name: string }, input: { userId?: string | undefined; name: string }) =>
  input.userId ? holder.userId === input.userId : !holder.userId && holder.name.toLowerCase() === input.name.toLowerCase();

/**
 * Gives someone a role. Commander, deputy, scribe and communications lead have one holder each, so
 * assigning one that is held hands it over; any number of responders. Assigning the current holder
 * again changes nothing.
 */
export async function assignRole(
  ctx: ActionContext,
  idOrReference: string,
  rawInput: AssignRoleInput,
): Promise<{ incident: Incident; roles: RoleHolder[] }> {
  assertPermission(ctx.actor, 'incidents:assign');
  const input = AssignRoleInput.parse(rawInput);
  return ctx.db.transaction(async (tx) => {
    const incident = await lockIncident(tx, idOrReference, { expectedVersion: input.expectedVersion });
    const roles = await currentRoles(tx, incident.id);
    const holders = roles.filter((holder) => holder.role === input.role);
    if (holders.some((holder) => samePerson(holder, input))) return { incident, roles };

    const now = new Date();
    const single = SINGLE_HOLDER_ROLES.includes(input.role);
    const previous = single ? (holders[0] ?? null) : null;
    if (previous) {
      await tx
        .update(incidentRoles)
        .set({ releasedAt: now, releasedByName: ctx.actor.name })
        .where(and(eq(incidentRoles.incidentId, incident.id), eq(incidentRoles.role, input.role), isNull(incidentRoles.releasedAt)));
    }
    await tx.insert(incidentRoles).values({
      incidentId: incident.id,
      role: input.role,
      userId: input.userId ?? null,
      name: input.name,
      assignedAt: now,
      assignedByName: ctx.actor.name,
    });
    return recordRoleChange(tx, ctx, incident, now, {
      type: previous ? 'role.handed_over' : 'role.assigned',
      action: previous ? 'incidents.role.hand_over' : 'incidents.role.assign',
      facts: {
        released: false,
        role: input.role,
        name: input.name,
        userId: input.userId ?? null,
        previous: previous ? { name: previous.name, userId: previous.userId } : null,
      },
    });
  });
}
