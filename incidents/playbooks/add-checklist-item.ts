import { and, eq, max } from 'drizzle-orm';
import { z } from 'zod';
import type { ActionContext } from '../../platform/index.ts';
import { assertPermission, recordAudit } from '../../platform/index.ts';
import { incidentReference } from '../incident-reference.ts';
import { lockIncident } from '../lock-incident.ts';
import { PHASES } from '../phases.ts';
import { appendTimelineEvent } from '../timeline/index.ts';
import type { ChecklistItem } from './schema/checklist-items.ts';
import { checklistItems } from './schema/checklist-items.ts';

export const NewChecklistItem = z.object({ phase: z.enum(PHASES), text: z.string().trim().min(1).max(500) });
export type NewChecklistItem = z.infer<typeof NewChecklistItem>;

/** Adds an item to one of the incident's exit checklists (what this incident needs beyond its playbooks). */
export async function addChecklistItem(ctx: ActionContext, idOrReference: string, input: NewChecklistItem): Promise<ChecklistItem> {
  assertPermission(ctx.actor, 'incidents:checklist');
  const parsed = NewChecklistItem.parse(input);
  return ctx.db.transaction(async (tx) => {
    const incident = await lockIncident(tx, idOrReference);
    const [last] = await tx
      .select({ position: max(checklistItems.position) })
      .from(checklistItems)
      .where(and(eq(checklistItems.incidentId, incident.id), eq(checklistItems.phase, parsed.phase)));
    const [item] = await tx
      .insert(checklistItems)
      .values({ incidentId: incident.id, phase: parsed.phase, position: (last?.position ?? 0) + 1, text: parsed.text, source: 'added' })
      .returning();
    if (!item) throw new Error('checklist insert returned no row');
    const data = { itemId: item.id, phase: item.phase, text: item.text };
    await appendTimelineEvent(tx, ctx.actor, { incidentId: incident.id, type: 'checklist.item_added', data });
    await recordAudit(tx, ctx, {
      action: 'incidents.checklist.add',
      targetType: 'incident',
      targetId: incident.id,
      details: { reference: incidentReference(incident), ...data },
    });
    return item;
  });
}
