import { and, eq, isNotNull, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { ActionContext } from '../../platform/index.ts';
import { assertPermission, NotFoundError, recordAudit } from '../../platform/index.ts';
import { incidentReference } from '../incident-reference.ts';
import { lockIncident } from '../lock-incident.ts';
import { appendTimelineEvent } from '../timeline/index.ts';
import type { ChecklistItem } from './schema/checklist-items.ts';
import { checklistItems } from './schema/checklist-items.ts';

export const ChecklistItemUpdate = z.object({ done: z.boolean() });
export type ChecklistItemUpdate = z.infer<typeof ChecklistItemUpdate>;

/** Ticks a checklist item (or unticks it). Doing what is already done changes nothing and adds no event. */
export async function completeChecklistItem(
  ctx: ActionContext,
  idOrReference: string,
  itemId: string,
  input: ChecklistItemUpdate,
): Promise<ChecklistItem> {
  assertPermission(ctx.actor, 'incidents:checklist');
  const parsed = ChecklistItemUpdate.parse(input);
  return ctx.db.transaction(async (tx) => {
    const incident = await lockIncident(tx, idOrReference);
    const isItem = z.uuid().safeParse(itemId).success;
    const [item] = isItem
      ? await tx
          .select()
          .from(checklistItems)
          .where(and(eq(checklistItems.id, itemId), eq(checklistItems.incidentId, incident.id)))
      : [];
    if (!item) throw new NotFoundError(`${incidentReference(incident)} has no checklist item "${itemId}".`);
    const now = new Date();
    // The WHERE clause makes two people ticking the same item at once record it once.
    const [changed] = await tx
      .update(checklistItems)
      .set(parsed.done ? { completedAt: now, completedByName: ctx.actor.name } : { completedAt: null, completedByName: null })
      .where(and(eq(checklistItems.id, item.id), parsed.done ? isNull(checklistItems.completedAt) : isNotNull(checklistItems.completedAt)))
      .returning();
    if (!changed) return item;
    const data = { itemId: item.id, phase: item.phase, text: item.text };
    await appendTimelineEvent(tx, ctx.actor, {
      incidentId: incident.id,
      type: parsed.done ? 'checklist.item_completed' : 'checklist.item_reopened',
      occurredAt: now,
      data,
    });
    await recordAudit(tx, ctx, {
      action: parsed.done ? 'incidents.checklist.complete' : 'incidents.checklist.reopen',
      targetType: 'incident',
      targetId: incident.id,
      details: { reference: incidentReference(incident), ...data },
    });
    return changed;
  });
}
