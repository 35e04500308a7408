import { eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { OutboxStatus } from '../../../notifier/index.ts';
import { getDeliveryStatus } from '../../../notifier/index.ts';
import type { Database } from '../../../platform/index.ts';
import { NotFoundError } from '../../../platform/index.ts';
import type { NoticeSettings } from './notice-settings.ts';
import { publicNoticeLink } from './notice-settings.ts';
import { breachNoticeRecipients } from './schema/breach-notice-recipients.ts';
import type { BreachNotice } from './schema/breach-notices.ts';
import { breachNotices } from './schema/breach-notices.ts';

export type RecipientDelivery =
  | { status: 'not_sent' }
  | { status: 'public_page_only' }
  | {
      status: OutboxStatus;
      /** The outbox message, for a retry. */
      messageId: string;
      attempts: number;
      lastError: string | null;
      deliveredAt: Date | null;
      nextAttemptAt: Date | null;
    };

/** Notices with their recipients and each recipient's delivery status (from the outbox). */
export async function presentNotices(db: Database, notices: BreachNotice[], settings: Pick<NoticeSettings, 'publicUrl'>) {
  if (notices.length === 0) return [];
  const recipients = await db
    .select()
    .from(breachNoticeRecipients)
    .where(
      inArray(
        breachNoticeRecipients.noticeId,
        notices.map((notice) => notice.id),
      ),
    );
  const statuses = await getDeliveryStatus(
    db,
    recipients.flatMap((recipient) => (recipient.messageKey ? [recipient.messageKey] : [])),
  );
  return notices.map((notice) => ({
    id: notice.id,
    incidentId: notice.incidentId,
    obligationId: notice.obligationId,
    status: notice.status,
    language: notice.language,
    subject: notice.subject,
    greeting: notice.greeting,
    sections: notice.sections,
    draftedBy: notice.draftedBy,
    approvedBy: notice.approvedBy,
    approvedAt: notice.approvedAt,
    sentBy: notice.sentBy,
    sentAt: notice.sentAt,
    version: notice.version,
    createdAt: notice.createdAt,
    recipients: recipients
      .filter((recipient) => recipient.noticeId === notice.id)
      .map((recipient) => {
        const outbox = recipient.messageKey ? statuses.get(recipient.messageKey) : undefined;
        const delivery: RecipientDelivery = outbox
          ? {
              status: outbox.status,
              messageId: outbox.id,
              attempts: outbox.attempts,
              lastError: outbox.lastError,
              deliveredAt: outbox.deliveredAt,
              nextAttemptAt: outbox.nextAttemptAt,
            }
          : notice.status === 'sent' && !recipient.email
            ? { status: 'public_page_only' }
            : { status: 'not_sent' };
        return {
          id: recipient.id,
          name: recipient.name,
          email: recipient.email,
          // The link exists from the draft on, but the page shows the notice only once it is sent.
          publicUrl: publicNoticeLink(settings, recipient.publicToken),
          delivery,
        };
      }),
  }));
}

export async function getNotice(db: Database, noticeId: string, settings: Pick<NoticeSettings, 'publicUrl'>) {
  const [notice] = z.uuid().safeParse(noticeId).success ? await db.select().from(breachNotices).where(eq(breachNotices.id, noticeId)) : [];
  if (!notice) throw new NotFoundError(`No notice "${noticeId}".`);
  const [presented] = await presentNotices(db, [notice], settings);
  if (!presented) throw new NotFoundError(`No notice "${noticeId}".`);
  return presented;
}
