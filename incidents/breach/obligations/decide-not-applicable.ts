import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { ActionContext } from '../../../platform/index.ts';
import { assertPermission, ConflictError, cancelTimers, recordAudit } from '../../../platform/index.ts';
import { appendTimelineEvent } from '../../timeline/index.ts';
import { lockObligation } from './lock-obligation.ts';
import { recomputeObligations } from './recompute-obligations.ts';
import { WARNING_TIMER_KIND } from './schedule-warnings.ts';
import { breachObligations } from './schema/breach-obligations.ts';

export const NotApplicableInput = z.strictObject({
  reason: z.string().trim().min(10, 'give a reason of at least 10 characters').max(5000),
  expectedVersion: z.number().int().min(1).optional(),
});
export type NotApplicableInput = z.infer<typeof NotApplicableInput>;

/** A person decides that an obligation does not apply, with the reason; its warnings stop. */
export async function decideNotApplicable(ctx: ActionContext, obligationId: string, input: NotApplicableInput) {
  assertPermission(ctx.actor, 'breach:assess');
  return ctx.db.transaction(async (tx) => {
    const obligation = await lockObligation(tx, obligationId, input.expectedVersion);
    if (obligation.status === 'submitted')
      throw new ConflictError('The obligation was submitted already; it cannot become not applicable.', 'already_submitted');
    const [updated] = await tx
      .update(breachObligations)
      .set({
        status: 'not_applicable',
        notApplicableReason: input.reason,
        notApplicableBy: ctx.actor.name,
        version: obligation.version + 1,
        updatedAt: new Date(),
      })
      .where(eq(breachObligations.id, obligation.id))
      .returning();
    await cancelTimers(tx, WARNING_TIMER_KIND, `${obligation.id}:`);
    await appendTimelineEvent(tx, ctx.actor, {
      incidentId: obligation.incidentId,
      type: 'breach.obligation_not_applicable',
      data: { regime: obligation.regimeId, obligation: obligation.key, reason: input.reason },
    });
    await recordAudit(tx, ctx, {
      action: 'breach.obligation.not_applicable',
      targetType: 'breach_obligation',
      targetId: obligation.id,
      details: { reason: input.reason },
    });
    await recomputeObligations(tx, obligation.incidentId);
    return updated ?? obligation;
  });
}
