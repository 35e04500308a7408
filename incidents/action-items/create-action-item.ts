import type { ActionContext } from '../../platform/index.ts';
import { assertPermission, recordAudit } from '../../platform/index.ts';
import { getIncident } from '../get-incident.ts';
import { incidentReference } from '../incident-reference.ts';
import { appendTimelineEvent } from '../timeline/index.ts';
import { NewActionItem } from './action-item-input.ts';
import { resolveOwner } from './action-item-owner.ts';
import { planActionItemReminder } from './action-item-reminders.ts';
import type { ActionItem } from './schema/action-items.ts';
import { actionItems } from './schema/action-items.ts';

/** Adds follow-up work to an incident (closed ones too); an overdue reminder is planned at its due date. */
export async function createActionItem(ctx: ActionContext, idOrReference: string, rawInput: NewActionItem): Promise<ActionItem> {
  assertPermission(ctx.actor, 'rca:write');
  const input = NewActionItem.parse(rawInput);
  return ctx.db.transaction(async (tx) => {
    const incident = await getIncident(tx, idOrReference);
    const owner = await resolveOwner(tx, input);
    const [item] = await tx
      .insert(actionItems)
      .values({
        incidentId: incident.id,
        ...input,
        ownerName: owner.ownerName ?? '',
        ownerUserId: owner.ownerUserId ?? null,
        dueAt: input.dueAt ?? null,
        createdByName: ctx.actor.name,
      })
      .returning();
    if (!item) throw new Error('action item insert returned no row');
    await planActionItemReminder(tx, item);
    const data = { actionItemId: item.id, title: item.title, ownerName: item.ownerName, dueAt: item.dueAt?.toISOString() ?? null };
    await appendTimelineEvent(tx, ctx.actor, { incidentId: incident.id, type: 'action_item.created', occurredAt: item.createdAt, data });
    await recordAudit(tx, ctx, {
      action: 'incidents.action_item.create',
      targetType: 'incident',
      targetId: incident.id,
      details: { reference: incidentReference(incident), ...data },
    });
    return item;
  });
}
