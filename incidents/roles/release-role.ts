import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { notifyIncidentChange } from '../../notifier/index.ts';
import type { ActionContext } from '../../platform/index.ts';
import { assertPermission, ConflictError, InvalidInputError, NotFoundError, recordAudit } from '../../platform/index.ts';
import { incidentReference } from '../incident-reference.ts';
import { incidentSnapshot } from '../incident-snapshot.ts';
import { updateIncident } from '../incident-writes.ts';
import { lockIncident } from '../lock-incident.ts';
import type { Incident } from '../schema/incidents.ts';
import { appendTimelineEvent } from '../timeline/index.ts';
import type { RoleHolder } from './current-roles.ts';
import { commanderOf, currentRoles } from './current-roles.ts';
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
    const updated = await updateIncident(tx, incident, {});
    const data = { role: holder.role, name: holder.name, userId: holder.userId };
    await appendTimelineEvent(tx, ctx.actor, { incidentId: incident.id, type: 'role.released', occurredAt: now, data });
    await recordAudit(tx, ctx, {
      action: 'incidents.role.release',
      targetType: 'incident',
      targetId: incident.id,
      details: { reference: incidentReference(incident), ...data },
    });
    const after = await currentRoles(tx, incident.id);
    await notifyIncidentChange(tx, ctx.config, {
      kind: 'roles_changed',
      incident: incidentSnapshot(updated, commanderOf(after)),
      at: now,
      actorName: ctx.actor.name,
      ...data,
      released: true,
    });
    return { incident: updated, roles: after };
  });
}
