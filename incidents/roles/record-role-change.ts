import type { IncidentChange } from '../../notifier/index.ts';
import { notifyIncidentChange } from '../../notifier/index.ts';
import type { ActionContext, Database } from '../../platform/index.ts';
import { recordAudit } from '../../platform/index.ts';
import { incidentReference } from '../incident-reference.ts';
import { incidentSnapshot } from '../incident-snapshot.ts';
import { updateIncident } from '../incident-writes.ts';
import type { Incident } from '../schema/incidents.ts';
import { appendTimelineEvent } from '../timeline/index.ts';
import type { RoleHolder } from './current-roles.ts';
import { commanderOf, currentRoles } from './current-roles.ts';

type RoleChanged = Extract<IncidentChange, { kind: 'roles_changed' }>;
/** What a role change says of itself (an assignment or a release): the facts the notifier is told, without who told it when. */
type RoleFacts = RoleChanged extends infer Change
  ? Change extends RoleChanged
    ? Omit<Change, 'kind' | 'incident' | 'at' | 'actorName'>
    : never
  : never;

/**
 * After the role rows changed: bumps the incident's version (the roles are part of what a client last
 * read), then records the change on the timeline, in the audit trail and for the notifier.
 */
export async function recordRoleChange(
  tx: Database,
  ctx: ActionContext,
  incident: Incident,
  now: Date,
  change: { type: string; action: string; facts: RoleFacts },
): Promise<{ incident: Incident; roles: RoleHolder[] }> {
  const updated = await updateIncident(tx, incident, {});
  const { released: _released, ...data } = change.facts;
  await appendTimelineEvent(tx, ctx.actor, { incidentId: incident.id, type: change.type, occurredAt: now, data });
  await recordAudit(tx, ctx, {
    action: change.action,
    targetType: 'incident',
    targetId: incident.id,
    details: { reference: incidentReference(incident), ...data },
  });
  const roles = await currentRoles(tx, incident.id);
  const snapshot = incidentSnapshot(updated, commanderOf(roles));
  const notified: IncidentChange = { kind: 'roles_changed', incident: snapshot, at: now, actorName: ctx.actor.name, ...change.facts };
  await notifyIncidentChange(tx, ctx.config, notified);
  return { incident: updated, roles };
}
