import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { ActionContext, Actor, Database } from '../../../platform/index.ts';
import { assertPermission, ConflictError, cancelTimers, InvalidInputError, recordAudit } from '../../../platform/index.ts';
import { appendTimelineEvent } from '../../timeline/index.ts';
import { lockObligation } from './lock-obligation.ts';
import { recomputeObligations } from './recompute-obligations.ts';
import { WARNING_TIMER_KIND } from './schedule-warnings.ts';
import type { BreachObligation } from './schema/breach-obligations.ts';
import { breachObligations } from './schema/breach-obligations.ts';

export const SUBMISSION_CHANNELS = ['notice', 'email', 'portal', 'letter', 'phone', 'other'] as const;

export const SubmitObligationInput = z.strictObject({
  submittedAt: z.iso.datetime({ offset: true }).optional(),
  via: z.enum(SUBMISSION_CHANNELS),
  /** Where the proof is (a portal receipt number, a ticket, a file): the evidence of the submission. */
  reference: z.string().trim().min(1).max(500).optional(),
  /** Why it was submitted outside Firebreak (e.g. e-mail is not configured, the regulator wants its portal). */
  note: z.string().trim().min(1).max(2000).optional(),
  delayReason: z.string().trim().min(10, 'give a reason of at least 10 characters').max(5000).optional(),
  expectedVersion: z.number().int().min(1).optional(),
});
export type SubmitObligationInput = z.infer<typeof SubmitObligationInput>;

const FUTURE_TOLERANCE_MS = 5 * 60_000;

/**
 * Marks a locked obligation submitted in the caller's transaction. Late submissions need the reasons
 * for the delay (GDPR Art. 33(1)); a chained report's clock starts from here.
 */
export async function markSubmitted(
  tx: Database,
  actor: Actor,
  obligation: BreachObligation,
  submission: { at: Date; via: string; reference: string | null; delayReason: string | null; note?: string | null },
  options: { allowMissingDelayReason?: boolean } = {},
): Promise<BreachObligation> {
  if (obligation.status === 'submitted')
    throw new ConflictError(
      `"${obligation.title}" was submitted already (${obligation.submittedAt?.toISOString() ?? ''}).`,
      'already_submitted',
    );
  if (obligation.status === 'not_applicable')
    throw new ConflictError(`"${obligation.title}" is marked not applicable: ${obligation.notApplicableReason ?? ''}`, 'not_applicable');
  const delayReason = submission.delayReason ?? obligation.delayReason;
  const late = obligation.effectiveDueAt !== null && submission.at > obligation.effectiveDueAt;
  if (late && !delayReason && !options.allowMissingDelayReason) {
    throw new InvalidInputError(
      `"${obligation.title}" was due ${obligation.effectiveDueAt?.toISOString() ?? ''}; a late submission needs the reasons for the delay (delayReason).`,
      undefined,
      'delay_reason_required',
    );
  }
  const [updated] = await tx
    .update(breachObligations)
    .set({
      status: 'submitted',
      submittedAt: submission.at,
      submittedVia: submission.via,
      submissionReference: submission.reference,
      submittedBy: actor.name,
      submissionNote: submission.note ?? null,
      delayReason,
      version: obligation.version + 1,
      updatedAt: new Date(),
    })
    .where(eq(breachObligations.id, obligation.id))
    .returning();
  if (!updated) throw new Error('obligation update returned no row');
  await cancelTimers(tx, WARNING_TIMER_KIND, `${obligation.id}:`);
  await appendTimelineEvent(tx, actor, {
    incidentId: obligation.incidentId,
    type: 'breach.obligation_submitted',
    data: {
      regime: obligation.regimeId,
      obligation: obligation.key,
      via: submission.via,
      reference: submission.reference,
      note: submission.note ?? null,
      late,
    },
  });
  await recomputeObligations(tx, obligation.incidentId);
  return updated;
}

/** Records that an obligation was submitted outside Firebreak (a regulator's portal, a phone call). */
export async function submitObligation(ctx: ActionContext, obligationId: string, input: SubmitObligationInput) {
  assertPermission(ctx.actor, 'breach:assess');
  const at = input.submittedAt ? new Date(input.submittedAt) : new Date();
  if (at.getTime() > Date.now() + FUTURE_TOLERANCE_MS)
    throw new InvalidInputError(`Invalid request body: submittedAt: ${input.submittedAt ?? ''} is in the future.`);
  return ctx.db.transaction(async (tx) => {
    const obligation = await lockObligation(tx, obligationId, input.expectedVersion);
    const updated = await markSubmitted(tx, ctx.actor, obligation, {
      at,
      via: input.via,
      reference: input.reference ?? null,
      delayReason: input.delayReason ?? null,
      note: input.note ?? null,
    });
    await recordAudit(tx, ctx, {
      action: 'breach.obligation.submit',
      targetType: 'breach_obligation',
      targetId: obligation.id,
      details: {
        submittedAt: at.toISOString(),
        via: input.via,
        reference: input.reference ?? null,
        note: input.note ?? null,
        delayReason: updated.delayReason,
      },
    });
    return updated;
  });
}
