import { eq } from 'drizzle-orm';
import type { SettledMessage } from '../../../notifier/index.ts';
import { getDeliveryStatus } from '../../../notifier/index.ts';
import type { Database } from '../../../platform/index.ts';
import { SYSTEM_ACTOR } from '../../../platform/index.ts';
import { appendTimelineEvent } from '../../timeline/index.ts';
import { lockObligation, markSubmitted } from '../obligations/index.ts';
import { lockNotice } from './lock-notice.ts';
import { breachNoticeRecipients } from './schema/breach-notice-recipients.ts';

const NOTICE_KEY = 'breach-notice:';

/**
 * The outbox's word on one notice e-mail. A failure goes on the timeline with its reason (the panel
 * offers to retry it); the last of a notice's e-mails to arrive submits its obligation, at that time.
 */
export async function noticeMessageSettled(tx: Database, message: SettledMessage): Promise<void> {
  if (message.channel !== 'email' || !message.idempotencyKey.startsWith(NOTICE_KEY)) return;
  const [recipient] = await tx.select().from(breachNoticeRecipients).where(eq(breachNoticeRecipients.messageKey, message.idempotencyKey));
  if (!recipient) return;
  const notice = await lockNotice(tx, recipient.noticeId);
  if (message.outcome === 'dead') {
    await appendTimelineEvent(tx, SYSTEM_ACTOR, {
      incidentId: notice.incidentId,
      type: 'breach.notice_delivery_failed',
      data: { notice: notice.id, recipient: recipient.name, email: recipient.email, error: message.error },
    });
    return;
  }
  const recipients = await tx.select().from(breachNoticeRecipients).where(eq(breachNoticeRecipients.noticeId, notice.id));
  const keys = recipients.flatMap((candidate) => (candidate.messageKey ? [candidate.messageKey] : []));
  const statuses = await getDeliveryStatus(tx, keys);
  const waiting = keys.filter((key) => key !== message.idempotencyKey && statuses.get(key)?.status !== 'delivered');
  if (waiting.length > 0) return;
  const obligation = await lockObligation(tx, notice.obligationId);
  if (obligation.status !== 'assessing' && obligation.status !== 'applicable') return;
  await appendTimelineEvent(tx, SYSTEM_ACTOR, {
    incidentId: notice.incidentId,
    type: 'breach.notice_delivered',
    data: { notice: notice.id, obligation: obligation.key, delivered: keys.length },
  });
  // A late notice carries the delay reason given when it was sent; without one the panel says it is owed.
  await markSubmitted(
    tx,
    SYSTEM_ACTOR,
    obligation,
    { at: message.at, via: 'notice', reference: notice.id, delayReason: obligation.delayReason },
    { allowMissingDelayReason: true },
  );
}
