import { sql } from 'drizzle-orm';
import type { Database } from '../platform/index.ts';
import { queryRows } from '../platform/index.ts';

export const OUTBOX_RETENTION_JOB = 'outbox-retention';
const BATCH = 5_000;

/**
 * Deletes Slack and PagerDuty messages delivered more than `retentionDays` ago, a batch at a time (a
 * periodic job). E-mails are kept: they are breach notices, the evidence that customers were told.
 * Messages not delivered (pending, waiting to retry, dead) are kept whatever their age. Answers how
 * many it deleted.
 */
export async function pruneDeliveredMessages(tx: Database, now: Date, retentionDays: number): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  const deleted = await queryRows<{ id: string }>(
    tx,
    sql`delete from outbox_messages where id in (
      select id from outbox_messages
      where status = 'delivered' and channel in ('slack', 'pagerduty') and delivered_at < ${cutoff.toISOString()}::timestamptz
      limit ${BATCH})
    returning id`,
  );
  return deleted.length;
}
