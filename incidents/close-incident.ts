import { and, asc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { notifyIncidentChange } from '../notifier/index.ts';
import type { ActionContext } from '../platform/index.ts';
import { assertPermission, ConflictError, recordAudit } from '../platform/index.ts';
import { openObligations } from './breach/index.ts';
import { incidentReference } from './incident-reference.ts';
import { incidentSnapshot } from './incident-snapshot.ts';
import { updateIncident } from './incident-writes.ts';
import { lockIncident } from './lock-incident.ts';
import { checklistItems } from './playbooks/index.ts';
import { findRca } from './rca/index.ts';
import { currentCommander } from './roles/index.ts';
import type { Incident } from './schema/incidents.ts';
import { appendTimelineEvent } from './timeline/index.ts';

export const CloseInput = z
  .object({
    reason: z.string().trim().min(1).max(2000).optional(),
    override: z.boolean().default(false),
    expectedVersion: z.number().int().min(1).optional(),
  })
  .strict()
  .refine((input) => !input.override || input.reason !== undefined, { message: 'an override needs a reason', path: ['reason'] });
export type CloseInput = z.input<typeof CloseInput>;

/**
 * Closes an incident: it must be in root-cause analysis with the analysis approved by a second
 * person, and the analysis phase's checklist done (or overridden with a reason).
 */
export async function closeIncident(ctx: ActionContext, idOrReference: string, rawInput: CloseInput = {}): Promise<Incident> {
  assertPermission(ctx.actor, 'incidents:transition');
  const input = CloseInput.parse(rawInput);
  return ctx.db.transaction(async (tx) => {
    const incident = await lockIncident(tx, idOrReference, { expectedVersion: input.expectedVersion });
    const reference = incidentReference(incident);
    if (incident.phase !== 'root_cause_analysis') {
      throw new ConflictError(
        `${reference} is in ${incident.phase.replaceAll('_', ' ')}; it closes from root cause analysis.`,
        'invalid_transition',
      );
    }
    const rca = await findRca(tx, incident.id);
    if (rca?.status !== 'approved') {
      throw new ConflictError(
        `${reference} closes only once its root-cause analysis is approved by someone other than its author.`,
        'rca_not_approved',
      );
    }
    const open = await tx
      .select({ id: checklistItems.id, text: checklistItems.text })
      .from(checklistItems)
      .where(
        and(
          eq(checklistItems.incidentId, incident.id),
          eq(checklistItems.phase, 'root_cause_analysis'),
          isNull(checklistItems.completedAt),
        ),
      )
      .orderBy(asc(checklistItems.position));
    if (open.length > 0 && !input.override) {
      throw new ConflictError(
        `The root cause analysis checklist has ${open.length} open item(s): ${open.map((item) => `"${item.text}"`).join(', ')}. Complete them or override with a reason.`,
        'checklist_incomplete',
        { openItems: open },
      );
    }
    // Closing does not stop a breach clock: a commander who closes anyway says why, on the record.
    const owed = (await openObligations(tx, incident.id)).map((obligation) => ({
      regime: obligation.regime,
      obligation: obligation.title,
      dueAt: obligation.dueAt?.toISOString() ?? null,
    }));
    if (owed.length > 0 && !input.override) {
      const list = owed.map((entry) => `"${entry.obligation}" (${entry.regime}, due ${entry.dueAt ?? 'without undue delay'})`).join(', ');
      throw new ConflictError(
        `${reference} still owes ${owed.length} breach obligation(s): ${list}. Submit them, withdraw their regime, or override with a reason.`,
        'obligations_open',
        { openObligations: owed },
      );
    }
    const now = new Date();
    const updated = await updateIncident(tx, incident, { closedAt: now, resolvedAt: incident.resolvedAt ?? now });
    const data = {
      reason: input.reason ?? null,
      override: open.length > 0 || owed.length > 0,
      ...(open.length > 0 ? { skippedItems: open } : {}),
      ...(owed.length > 0 ? { openObligations: owed } : {}),
      rcaApprovedBy: rca.approvedByName,
    };
    await appendTimelineEvent(tx, ctx.actor, { incidentId: incident.id, type: 'incident.closed', occurredAt: now, data });
    await recordAudit(tx, ctx, {
      action: 'incidents.incident.close',
      targetType: 'incident',
      targetId: incident.id,
      details: { reference, ...data },
    });
    await notifyIncidentChange(tx, ctx.config, {
      kind: 'closed',
      incident: incidentSnapshot(updated, await currentCommander(tx, incident.id)),
      at: now,
      actorName: ctx.actor.name,
      reason: input.reason ?? null,
    });
    return updated;
  });
}
