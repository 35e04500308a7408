import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { ActionContext } from '../../platform/index.ts';
import { assertPermission, ConflictError, InvalidInputError, NotFoundError } from '../../platform/index.ts';
import { incidentReference } from '../incident-reference.ts';
import { lockIncident } from '../lock-incident.ts';
import type { Incident } from '../schema/incidents.ts';
import type { RoleHolder } from './current-roles.ts';
import { currentRoles } from './current-roles.ts';
import { recordRoleChange } from './record-role-change.ts';
import { INCIDENT_ROLES, incidentRoles } from './schema/incident-roles.ts';

export const ReleaseRoleInput = z.object({
  role: z.enum(INCIDENT_ROLES),
  /** Which holder (responders can be many): by user id or by name. */
  userId: z.uuid().optional(),
  name: z.string().trim().min(1).max(200).optional(),
  expectedVersion: z.number().int().min(1).optional(),
});
export type ReleaseRoleInput = z.input<typeof ReleaseRoleInput>;

/** Takes a role from its holder. The commander is never released, only handed over: there is always one. */
export async function releaseRole(
  ctx: ActionContext,
  idOrReference: string,
  rawInput: ReleaseRoleInput,
): Promise<{ incident: Incident; roles: RoleHolder[] }> {
  assertPermission(ctx.actor, 'incidents:assign');
  const input = ReleaseRoleInput.parse(rawInput);
  if (input.role === 'commander') {
    throw new ConflictError('An incident always has a commander: hand the role over by assigning another commander.', 'commander_required');
  }
  if (input.role === 'responder' && !input.userId && !input.name) {
    throw new InvalidInputError('Name the responder to release (name or userId): an incident can have several.');
  }
  return ctx.db.transaction(async (tx) => {
    const incident = await lockIncident(tx, idOrReference, { expectedVersion: input.expectedVersion });
    const roles = await currentRoles(tx, incident.id);
    const holder = roles.find(
      (candidate) =>
        candidate.role === input.role &&
        (input.userId ? candidate.userId === input.userId : input.name ? candidate.name.toLowerCase() === input.name.toLowerCase() : true),
    );
    if (!holder)
      throw new NotFoundError(
        `Nobody${input.name ? ` named "${input.name}"` : ''} holds the role ${input.role} in ${incidentReference(incident)}.`,
      );
    const now = new Date();
    await tx
      .update(incidentRoles)
      .set({ releasedAt: now, releasedByName: ctx.actor.name })
      .where(
        and(
          eq(incidentRoles.incidentId, incident.id),
          eq(incidentRoles.role, holder.role),
          eq(incidentRoles.name, holder.name),
          holder.userId ? eq(incidentRoles.userId, holder.userId) : isNull(incidentRoles.userId),
          isNull(incidentRoles.releasedAt),
        ),
      );
    return recordRoleChange(tx, ctx, incident, now, {
      type: 'role.released',
      action: 'incidents.role.release',
      facts: { released: true, role: holder.role, name: holder.name, userId: holder.userId },
    });
  });
}
