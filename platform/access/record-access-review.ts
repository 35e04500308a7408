import { desc } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/index.ts';
import type { ActionContext } from '../auth/actor.ts';
import { assertPermission, assertPersonMayApprove } from '../auth/actor.ts';
import type { AccessReview } from '../schema/access-reviews.ts';
import { accessReviews } from '../schema/access-reviews.ts';
import { planReviewReminder } from './review-reminder.ts';

export const AccessReviewInput = z
  .object({
    notes: z.string().trim().min(1, 'must say what was reviewed and found').max(10_000),
    /** The start of the period reviewed; default: the previous review, or ACCESS_REVIEW_DAYS ago. */
    since: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
export type AccessReviewInput = z.infer<typeof AccessReviewInput>;

/** An admin records that they reviewed access (audited); the next reminder counts from now. */
export async function recordAccessReview(ctx: ActionContext, input: AccessReviewInput): Promise<AccessReview & { nextReviewDueAt: Date }> {
  assertPermission(ctx.actor, 'users:manage');
  // A review is a person's statement: a service token cannot make it.
  assertPersonMayApprove(ctx.actor);
  const now = new Date();
  return ctx.db.transaction(async (tx) => {
    const [previous] = await tx.select().from(accessReviews).orderBy(desc(accessReviews.reviewedAt)).limit(1);
    const since = input.since
      ? new Date(input.since)
      : (previous?.reviewedAt ?? new Date(now.getTime() - ctx.config.ACCESS_REVIEW_DAYS * 86_400_000));
    const [row] = await tx
      .insert(accessReviews)
      .values({
        reviewedAt: now,
        reviewerUserId: ctx.actor.userId ?? null,
        reviewerName: ctx.actor.name,
        periodSince: since,
        notes: input.notes,
      })
      .returning();
    if (!row) throw new Error('access review insert returned no row');
    const nextReviewDueAt = await planReviewReminder(tx, ctx.config, now);
    await recordAudit(tx, ctx, {
      action: 'access.review.record',
      targetType: 'access_review',
      targetId: row.id,
      details: { since: since.toISOString(), notes: row.notes, nextReviewDueAt: nextReviewDueAt.toISOString() },
    });
    return { ...row, nextReviewDueAt };
  });
}
