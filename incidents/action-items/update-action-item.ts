import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { ActionContext } from '../../platform/index.ts';
import { assertPermission, ConflictError, InvalidInputError, NotFoundError, recordAudit } from '../../platform/index.ts';
import { getIncident } from '../get-incident.ts';
import { incidentReference } from '../incident-reference.ts';
import { appendTimelineEvent } from '../timeline/index.ts';
import { ActionItemUpdate } from './action-item-input.ts';
import { resolveOwner } from './action-item-owner.ts';
import { planActionItemReminder } from './action-item-reminders.ts';
import type { ActionItem } from './schema/action-items.ts';
import { actionItems } from './schema/action-items.ts';

const show = (value: unknown) => (value instanceof Date ? value.toISOString() : value);

/** Changes an action item (status, owner, due date, ...); a new due date re-plans its reminder. */
export async function updateActionItem(
  ctx: ActionContext,
  idOrReference: string,
  itemId: string,
  rawInput: ActionItemUpdate,
): Promise<ActionItem> {
  assertPermission(ctx.actor, 'rca:write');
  const { expectedVersion, ...requested } = ActionItemUpdate.parse(rawInput);
  if (Object.keys(requested).length === 0)
    throw new InvalidInputError('Send at least one field to change (status, ownerName, dueAt, ...).');
  return ctx.db.transaction(async (tx) => {
    const incident = await getIncident(tx, idOrReference);
    const changes = requested.ownerUserId ? { ...requested, ...(await resolveOwner(tx, requested)) } : requested;
    const [item] = z.uuid().safeParse(itemId).success
      ? await tx
          .select()
          .from(actionItems)
          .where(and(eq(actionItems.id, itemId), eq(actionItems.incidentId, incident.id)))
          .for('update')
      : [];
    if (!item) throw new NotFoundError(`${incidentReference(incident)} has no action item "${itemId}".`);
    if (expectedVersion !== undefined && expectedVersion !== item.version) {
      throw new ConflictError(
        `The action item changed since you loaded it (version ${item.version}, you have ${expectedVersion}).`,
        'stale_version',
        { currentVersion: item.version },
      );
    }
    const diff = Object.fromEntries(
      Object.entries(changes).filter(([field, value]) => show(value) !== show(item[field as keyof ActionItem])),
    ) as Partial<typeof changes>;
    if (Object.keys(diff).length === 0) return item;
    const now = new Date();
    const finished = diff.status === 'done' || diff.status === 'cancelled';
    const reopened = diff.status === 'open' || diff.status === 'in_progress';
    const [updated] = await tx
      .update(actionItems)
      .set({
        ...diff,
        ...(finished ? { completedAt: now } : reopened ? { completedAt: null } : {}),
        // A new due date restarts the reminders.
        ...(diff.dueAt !== undefined ? { remindersSent: 0 } : {}),
        version: sql`${actionItems.version} + 1`,
        updatedAt: now,
      })
      .where(and(eq(actionItems.id, item.id), eq(actionItems.version, item.version)))
      .returning();
    if (!updated) throw new ConflictError('The action item changed while saving; reload and try again.', 'stale_version');
    if (diff.dueAt !== undefined || diff.status !== undefined) await planActionItemReminder(tx, updated);
    const data = {
      actionItemId: item.id,
      title: updated.title,
      changes: Object.fromEntries(
        Object.entries(diff).map(([field, value]) => [field, { from: show(item[field as keyof ActionItem]), to: show(value) }]),
      ),
    };
    await appendTimelineEvent(tx, ctx.actor, { incidentId: incident.id, type: 'action_item.updated', occurredAt: now, data });
    await recordAudit(tx, ctx, {
      action: 'incidents.action_item.update',
      targetType: 'incident',
      targetId: incident.id,
      details: { reference: incidentReference(incident), ...data },
    });
    return updated;
  });
}
