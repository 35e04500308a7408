import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { ActionContext } from '../../../platform/index.ts';
import { assertPermission, recordAudit } from '../../../platform/index.ts';
import { appendTimelineEvent } from '../../timeline/index.ts';
import { lockObligation } from './lock-obligation.ts';
import { breachObligations } from './schema/breach-obligations.ts';

export const DelayReasonInput = z.strictObject({ reason: z.string().trim().min(10, 'give a reason of at least 10 characters').max(5000) });
export type DelayReasonInput = z.infer<typeof DelayReasonInput>;

/** Records the reasons for a delay (required once an obligation is late, before it can be submitted). */
export async function recordDelayReason(ctx: ActionContext, obligationId: string, input: DelayReasonInput) {
  assertPermission(ctx.actor, 'breach:assess');
  return ctx.db.transaction(async (tx) => {
    const obligation = await lockObligation(tx, obligationId);
    const [updated] = await tx
      .update(breachObligations)
      .set({ delayReason: input.reason, version: obligation.version + 1, updatedAt: new Date() })
      .where(eq(breachObligations.id, obligation.id))
      .returning();
    await appendTimelineEvent(tx, ctx.actor, {
      incidentId: obligation.incidentId,
      type: 'breach.delay_reason_recorded',
      data: { obligation: obligation.key, reason: input.reason },
    });
    await recordAudit(tx, ctx, {
      action: 'breach.obligation.delay_reason',
      targetType: 'breach_obligation',
      targetId: obligation.id,
      details: { reason: input.reason },
    });
    return updated ?? obligation;
  });
}
