import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { enqueueMessage } from '../../../notifier/index.ts';
import type { ActionContext } from '../../../platform/index.ts';
import { assertPermission, ConflictError, InvalidInputError, recordAudit } from '../../../platform/index.ts';
import { appendTimelineEvent } from '../../timeline/index.ts';
import { breachObligations, lockObligation, markSubmitted } from '../obligations/index.ts';
import { lockNotice } from './lock-notice.ts';
import type { NoticeSettings } from './notice-settings.ts';
import { organizationOf, publicNoticeLink } from './notice-settings.ts';
import { letterAsHtml, letterAsText, personalize } from './render-notice.ts';
import { breachNoticeRecipients } from './schema/breach-notice-recipients.ts';
import { breachNotices } from './schema/breach-notices.ts';

export const SendNoticeInput = z.strictObject({
  /** Required when the obligation is late and no reason was recorded yet. */
  delayReason: z.string().trim().min(10, 'give a reason of at least 10 characters').max(5000).optional(),
});
export type SendNoticeInput = z.infer<typeof SendNoticeInput>;

/** Outbox idempotency key of one recipient's e-mail: a retried send never mails twice. */
export const noticeMessageKey = (recipientId: string) => `breach-notice:${recipientId}`;

/**
 * Sends an approved notice: an e-mail per recipient with an address (through the outbox, retried
 * there) and the public page for every recipient. The obligation is submitted when the e-mails are
 * delivered (noticeMessageSettled), not now; a notice without e-mail addresses submits it at once.
 * Without SMTP_URL a notice with e-mail addresses is refused: nothing would arrive.
 */
export async function sendNotice(ctx: ActionContext, noticeId: string, input: SendNoticeInput, settings: NoticeSettings) {
  assertPermission(ctx.actor, 'notices:draft');
  organizationOf(settings, 'Sending a notice');
  return ctx.db.transaction(async (tx) => {
    const notice = await lockNotice(tx, noticeId);
    if (notice.status === 'draft')
      throw new ConflictError(
        'The notice is not approved yet; a second person with "notices:approve" must approve it first.',
        'approval_required',
      );
    if (notice.status === 'sent')
      throw new ConflictError(`The notice was sent already (${notice.sentAt?.toISOString() ?? ''}).`, 'already_sent');
    const now = new Date();
    const obligation = await lockObligation(tx, notice.obligationId);
    const recipients = await tx.select().from(breachNoticeRecipients).where(eq(breachNoticeRecipients.noticeId, notice.id));
    const withEmail = recipients.filter((recipient) => recipient.email).length;
    if (withEmail > 0 && !ctx.config.SMTP_URL) {
      throw new ConflictError(
        `E-mail is not configured (SMTP_URL is unset), so the ${withEmail} e-mail(s) of this notice cannot be delivered. Configure SMTP_URL, or send the notice yourself and record "sent outside Firebreak" on the obligation with a reason and evidence.`,
        'not_configured',
      );
    }
    const open = obligation.status === 'assessing' || obligation.status === 'applicable';
    const delayReason = input.delayReason ?? obligation.delayReason;
    if (open && obligation.effectiveDueAt && obligation.effectiveDueAt < now && !delayReason) {
      throw new InvalidInputError(
        `"${obligation.title}" was due ${obligation.effectiveDueAt.toISOString()}; a late notice needs the reasons for the delay (delayReason).`,
        undefined,
        'delay_reason_required',
      );
    }
    if (open && input.delayReason) {
      await tx
        .update(breachObligations)
        .set({ delayReason: input.delayReason, version: obligation.version + 1, updatedAt: now })
        .where(eq(breachObligations.id, obligation.id));
    }
    // Only the public pages: nothing to wait for.
    const submitting = open && withEmail === 0;
    if (submitting) {
      await markSubmitted(tx, ctx.actor, { ...obligation, delayReason }, { at: now, via: 'notice', reference: notice.id, delayReason });
    }
    let emailed = 0;
    for (const recipient of recipients) {
      const link = publicNoticeLink(settings, recipient.publicToken);
      if (!recipient.email) continue;
      const letter = personalize(notice, recipient.name);
      const key = noticeMessageKey(recipient.id);
      await enqueueMessage(tx, ctx.config, {
        channel: 'email',
        idempotencyKey: key,
        payload: {
          to: recipient.email,
          subject: letter.subject,
          text: letterAsText(letter, link),
          html: letterAsHtml(letter, link, notice.language),
        },
      });
      await tx.update(breachNoticeRecipients).set({ messageKey: key }).where(eq(breachNoticeRecipients.id, recipient.id));
      emailed++;
    }
    const [sent] = await tx
      .update(breachNotices)
      .set({ status: 'sent', sentBy: ctx.actor.name, sentAt: now, version: notice.version + 1, updatedAt: now })
      .where(and(eq(breachNotices.id, notice.id), eq(breachNotices.status, 'approved')))
      .returning();
    if (!sent) throw new ConflictError('The notice changed while sending; reload and try again.', 'stale_version');
    await appendTimelineEvent(tx, ctx.actor, {
      incidentId: notice.incidentId,
      type: 'breach.notice_sent',
      data: {
        notice: notice.id,
        obligation: obligation.key,
        recipients: recipients.length,
        queued: emailed,
        submittedObligation: submitting,
        awaitingDelivery: open && emailed > 0,
      },
    });
    await recordAudit(tx, ctx, {
      action: 'breach.notice.send',
      targetType: 'breach_notice',
      targetId: notice.id,
      details: {
        recipients: recipients.length,
        queued: emailed,
        obligation: obligation.id,
        submittedObligation: submitting,
        delayReason: input.delayReason ?? null,
      },
    });
    return sent;
  });
}
