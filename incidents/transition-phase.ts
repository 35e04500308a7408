import { and, asc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { notifyIncidentChange } from '../notifier/index.ts';
import type { ActionContext } from '../platform/index.ts';
import { assertPermission, ConflictError, InvalidInputError, recordAudit } from '../platform/index.ts';
import { incidentReference } from './incident-reference.ts';
import { incidentSnapshot } from './incident-snapshot.ts';
import { updateIncident } from './incident-writes.ts';
import { lockIncident } from './lock-incident.ts';
import { milestonesReached } from './milestones.ts';
import type { Phase } from './phases.ts';
import { PHASES, phaseIndex } from './phases.ts';
import { checklistItems } from './playbooks/index.ts';
import { currentCommander } from './roles/index.ts';
import type { Incident, NewIncident } from './schema/incidents.ts';
import { appendTimelineEvent } from './timeline/index.ts';

export const TransitionInput = z
  .object({
    to: z.enum(PHASES),
    reason: z.string().trim().min(1).max(2000).optional(),
    /** Leave the phase although its exit checklist is not done; needs a reason. */
    override: z.boolean().default(false),
    expectedVersion: z.number().int().min(1).optional(),
  })
  .refine((input) => !input.override || input.reason !== undefined, { message: 'an override needs a reason', path: ['reason'] });
export type TransitionInput = z.input<typeof TransitionInput>;

const label = (phase: Phase) => phase.replaceAll('_', ' ');

/** The milestone timestamps a move sets (leaving a phase forward) or clears (going back before it). */
function milestoneChanges(from: Phase, to: Phase, incident: Incident, now: Date): Partial<NewIncident> {
  const changes: Partial<NewIncident> = {};
  if (phaseIndex(to) > phaseIndex(from)) {
    // Breach-notification clocks run from the first identification; a later pass does not restart them.
    if (to === 'identification' && !incident.identifiedAt) changes.identifiedAt = now;
    if (from === 'containment') changes.containedAt = now;
    if (from === 'eradication') changes.eradicatedAt = now;
    if (from === 'recovery') {
      changes.recoveredAt = now;
      if (!incident.resolvedAt) changes.resolvedAt = now;
    }
    return changes;
  }
  // Going back means the later milestones no longer hold (the attacker is back: not contained).
  if (phaseIndex(to) <= phaseIndex('containment')) changes.containedAt = null;
  if (phaseIndex(to) <= phaseIndex('eradication')) changes.eradicatedAt = null;
  if (phaseIndex(to) <= phaseIndex('recovery')) changes.recoveredAt = null;
  return changes;
}

/**
 * Moves an incident to another phase. Forward moves go one phase at a time and need the current
 * phase's exit checklist done (or an override with a reason); backward moves need a reason.
 */
export async function transitionPhase(ctx: ActionContext, idOrReference: string, rawInput: TransitionInput): Promise<Incident> {
  assertPermission(ctx.actor, 'incidents:transition');
  const input = TransitionInput.parse(rawInput);
  return ctx.db.transaction(async (tx) => {
    const incident = await lockIncident(tx, idOrReference, { expectedVersion: input.expectedVersion });
    const reference = incidentReference(incident);
    const from = incident.phase;
    const to = input.to;
    if (from === to) throw new ConflictError(`${reference} is already in ${label(to)}.`, 'already_in_phase');
    const forward = phaseIndex(to) > phaseIndex(from);
    let skippedItems: { id: string; text: string }[] = [];
    if (forward) {
      const next = PHASES[phaseIndex(from) + 1];
      if (to !== next) {
        throw new ConflictError(
          `Forward moves go one phase at a time: from ${label(from)} the next phase is ${next ? label(next) : 'none'}.`,
          'invalid_transition',
        );
      }
      const commander = await currentCommander(tx, incident.id);
      if (from === 'preparation' && !commander) {
        throw new ConflictError(`${reference} has no commander; assign one before leaving preparation.`, 'commander_required');
      }
      const open = await tx
        .select({ id: checklistItems.id, text: checklistItems.text })
        .from(checklistItems)
        .where(and(eq(checklistItems.incidentId, incident.id), eq(checklistItems.phase, from), isNull(checklistItems.completedAt)))
        .orderBy(asc(checklistItems.position));
      if (open.length > 0 && !input.override) {
        throw new ConflictError(
          `The ${label(from)} checklist has ${open.length} open item(s): ${open.map((item) => `"${item.text}"`).join(', ')}. Complete them or override with a reason.`,
          'checklist_incomplete',
          { openItems: open },
        );
      }
      skippedItems = open;
    } else if (!input.reason) {
      throw new InvalidInputError(`Moving back from ${label(from)} to ${label(to)} needs a reason.`, undefined, 'reason_required');
    }

    const now = new Date();
    const changes = milestoneChanges(from, to, incident, now);
    const updated = await updateIncident(tx, incident, { phase: to, ...changes });
    await milestonesReached(tx, incident, updated, now);
    const overridden = forward && skippedItems.length > 0;
    const data = {
      from,
      to,
      direction: forward ? 'forward' : 'backward',
      reason: input.reason ?? null,
      override: overridden,
      ...(overridden ? { skippedItems } : {}),
    };
    await appendTimelineEvent(tx, ctx.actor, { incidentId: updated.id, type: 'phase.changed', occurredAt: now, data });
    await recordAudit(tx, ctx, {
      action: 'incidents.incident.transition',
      targetType: 'incident',
      targetId: updated.id,
      details: { reference, ...data },
    });
    const snapshot = incidentSnapshot(updated, await currentCommander(tx, updated.id));
    await notifyIncidentChange(tx, ctx.config, {
      kind: 'phase_changed',
      incident: snapshot,
      at: now,
      actorName: ctx.actor.name,
      from,
      to,
      reason: input.reason ?? null,
      override: overridden,
    });
    if (changes.resolvedAt) {
      await notifyIncidentChange(tx, ctx.config, {
        kind: 'resolved',
        incident: snapshot,
        at: now,
        actorName: ctx.actor.name,
        via: 'recovery',
      });
    }
    return updated;
  });
}
