import { and, eq } from 'drizzle-orm';
import type { ActionContext } from '../../../platform/index.ts';
import {
  assertPermission,
  assertPersonMayApprove,
  ConflictError,
  ForbiddenError,
  personKey,
  recordAudit,
} from '../../../platform/index.ts';
import { appendTimelineEvent } from '../../timeline/index.ts';
import { lockNotice } from './lock-notice.ts';
import { unfinishedParts } from './render-notice.ts';
import { breachNotices } from './schema/breach-notices.ts';

/** Approves a draft: a second person with notices:approve, never one of its authors (four eyes). */
export async function approveNotice(ctx: ActionContext, noticeId: string, expectedVersion?: number) {
  assertPermission(ctx.actor, 'notices:approve');
  assertPersonMayApprove(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    const notice = await lockNotice(tx, noticeId, expectedVersion);
    if (notice.status !== 'draft') throw new ConflictError(`The notice is ${notice.status} already.`, 'notice_not_draft');
    if (notice.authorKeys.includes(personKey(ctx.actor))) {
      throw new ForbiddenError('Four eyes: you drafted or edited this notice, so another person with "notices:approve" must approve it.');
    }
    const gaps = unfinishedParts([
      notice.subject,
      notice.greeting,
      ...notice.sections.flatMap((section) => [section.heading, section.body]),
    ]);
    if (gaps.length)
      throw new ConflictError(`The notice is not finished: ${gaps.join(', ')}. Edit the draft first.`, 'notice_incomplete', { gaps });
    const now = new Date();
    const [approved] = await tx
      .update(breachNotices)
      .set({
        status: 'approved',
        approvedByKey: personKey(ctx.actor),
        approvedBy: ctx.actor.name,
        approvedAt: now,
        version: notice.version + 1,
        updatedAt: now,
      })
      .where(and(eq(breachNotices.id, notice.id), eq(breachNotices.status, 'draft')))
      .returning();
    if (!approved) throw new ConflictError('The notice changed while approving; reload and try again.', 'stale_version');
    await appendTimelineEvent(tx, ctx.actor, {
      incidentId: notice.incidentId,
      type: 'breach.notice_approved',
      data: { notice: notice.id },
    });
    await recordAudit(tx, ctx, {
      action: 'breach.notice.approve',
      targetType: 'breach_notice',
      targetId: notice.id,
      details: { drafters: notice.authorKeys },
    });
    return approved;
  });
}
