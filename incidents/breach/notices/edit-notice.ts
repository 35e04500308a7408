import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { ActionContext } from '../../../platform/index.ts';
import { assertPermission, ConflictError, personKey, recordAudit } from '../../../platform/index.ts';
import { NoticeRecipientInput, recipientRows, SectionOverrides } from './draft-notice.ts';
import { lockNotice } from './lock-notice.ts';
import { breachNoticeRecipients } from './schema/breach-notice-recipients.ts';
import { breachNotices } from './schema/breach-notices.ts';

export const EditNoticeInput = z
  .strictObject({
    subject: z.string().trim().min(1).max(300).optional(),
    greeting: z.string().trim().min(1).max(300).optional(),
    sections: SectionOverrides.optional(),
    /** Replaces the recipients (new public links for all). */
    recipients: z.array(NoticeRecipientInput).min(1).max(5000).optional(),
    expectedVersion: z.number().int().min(1).optional(),
  })
  .refine((input) => input.subject ?? input.greeting ?? input.sections ?? input.recipients, {
    message: 'give something to change: subject, greeting, sections or recipients',
  });
export type EditNoticeInput = z.input<typeof EditNoticeInput>;

/** Edits a draft; whoever edits becomes one of its authors and can no longer approve it. */
export async function editNotice(ctx: ActionContext, noticeId: string, rawInput: EditNoticeInput) {
  assertPermission(ctx.actor, 'notices:draft');
  const input = EditNoticeInput.parse(rawInput);
  return ctx.db.transaction(async (tx) => {
    const notice = await lockNotice(tx, noticeId, input.expectedVersion);
    if (notice.status !== 'draft')
      throw new ConflictError(`The notice is ${notice.status}; only drafts can change. Draft a new notice instead.`, 'notice_not_draft');
    const sections = notice.sections.map((section) => {
      const override = input.sections?.[section.key as keyof typeof input.sections];
      return { key: section.key, heading: override?.heading ?? section.heading, body: override?.body ?? section.body };
    });
    const author = personKey(ctx.actor);
    const [updated] = await tx
      .update(breachNotices)
      .set({
        subject: input.subject ?? notice.subject,
        greeting: input.greeting ?? notice.greeting,
        sections,
        authorKeys: notice.authorKeys.includes(author) ? notice.authorKeys : [...notice.authorKeys, author],
        version: notice.version + 1,
        updatedAt: new Date(),
      })
      .where(eq(breachNotices.id, notice.id))
      .returning();
    if (input.recipients) {
      await tx.delete(breachNoticeRecipients).where(eq(breachNoticeRecipients.noticeId, notice.id));
      await tx.insert(breachNoticeRecipients).values(recipientRows(notice.id, input.recipients));
    }
    await recordAudit(tx, ctx, {
      action: 'breach.notice.edit',
      targetType: 'breach_notice',
      targetId: notice.id,
      details: { changed: Object.keys(input).filter((key) => key !== 'expectedVersion') },
    });
    return updated ?? notice;
  });
}
