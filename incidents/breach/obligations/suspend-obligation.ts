import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { ActionContext } from '../../../platform/index.ts';
import { assertPermission, ConflictError, InvalidInputError, recordAudit } from '../../../platform/index.ts';
import { appendTimelineEvent } from '../../timeline/index.ts';
import { lockObligation } from './lock-obligation.ts';
import { recomputeObligations } from './recompute-obligations.ts';
import { breachObligations } from './schema/breach-obligations.ts';

export const SuspendObligationInput = z.strictObject({
  until: z.iso.datetime({ offset: true }),
  /** Who sanctioned it, e.g. "U.S. Attorney General" or "Federal Police, case 2026/118". */
  grantedBy: z.string().trim().min(2).max(300),
  reason: z.string().trim().min(10, 'give a reason of at least 10 characters').max(5000),
});
export type SuspendObligationInput = z.infer<typeof SuspendObligationInput>;

/**
 * Records a sanctioned suspension (e.g. a law-enforcement delay): until it ends the obligation is not
 * due, and its warnings run against the end of the suspension instead.
 */
export async function suspendObligation(ctx: ActionContext, obligationId: string, input: SuspendObligationInput) {
  assertPermission(ctx.actor, 'breach:assess');
  const until = new Date(input.until);
  if (until.getTime() <= Date.now()) throw new InvalidInputError(`Invalid request body: until: ${input.until} is not in the future.`);
  return ctx.db.transaction(async (tx) => {
    const obligation = await lockObligation(tx, obligationId);
    if (obligation.status === 'submitted' || obligation.status === 'not_applicable') {
      throw new ConflictError(
        `"${obligation.title}" is ${obligation.status.replace('_', ' ')}; there is nothing to suspend.`,
        'obligation_closed',
      );
    }
    await tx
      .update(breachObligations)
      .set({
        suspendedUntil: until,
        suspensionGrantedBy: input.grantedBy,
        suspensionReason: input.reason,
        suspensionRecordedBy: ctx.actor.name,
        version: obligation.version + 1,
        updatedAt: new Date(),
      })
      .where(eq(breachObligations.id, obligation.id));
    await appendTimelineEvent(tx, ctx.actor, {
      incidentId: obligation.incidentId,
      type: 'breach.obligation_suspended',
      data: { obligation: obligation.key, until: until.toISOString(), grantedBy: input.grantedBy, reason: input.reason },
    });
    await recordAudit(tx, ctx, {
      action: 'breach.obligation.suspend',
      targetType: 'breach_obligation',
      targetId: obligation.id,
      details: { until: until.toISOString(), grantedBy: input.grantedBy, reason: input.reason },
    });
    const recomputed = await recomputeObligations(tx, obligation.incidentId);
    return recomputed.find((row) => row.id === obligation.id) ?? obligation;
  });
}
