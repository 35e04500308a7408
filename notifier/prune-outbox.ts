import { and, eq, inArray, min, sql } from 'drizzle-orm';
import type { RetentionClass } from '../platform/index.ts';
import { queryRows } from '../platform/index.ts';
import { outboxMessages } from './schema/outbox-messages.ts';

/**
 * Delivered messages as a retention class (OUTBOX_RETENTION_DAYS): Slack and PagerDuty messages are
 * deleted that long after delivery. E-mails are kept: they are breach notices, the evidence that
 * customers were told. Messages not delivered (pending, waiting to retry, dead) are kept whatever their age.
 */
export const deliveredMessageRetention: RetentionClass = {
  name: 'delivered_messages',
  async oldestRowAt(db) {
    const [row] = await db
      .select({ oldest: min(outboxMessages.deliveredAt) })
      .from(outboxMessages)
      .where(and(eq(outboxMessages.status, 'delivered'), inArray(outboxMessages.channel, ['slack', 'pagerduty'])));
    return row?.oldest ?? null;
  },
  async deleteBatch(tx, cutoff, limit) {
    const deleted = await queryRows<{ id: string }>(
      tx,
      sql`delete from outbox_messages where id in (
        select id from outbox_messages
        where status = 'delivered' and channel in ('slack', 'pagerduty') and delivered_at < ${cutoff.toISOString()}::timestamptz
        order by delivered_at
        limit ${limit})
      returning id`,
    );
    return deleted.length;
  },
};
