import { and, eq, gt, sql } from 'drizzle-orm';
import type { ActionContext } from '../platform/index.ts';
import { assertPermission, ConflictError, NotFoundError, recordAudit } from '../platform/index.ts';
import { OUTBOX_CHANNEL } from './enqueue-message.ts';
import type { OutboxMessage } from './schema/outbox-messages.ts';
import { outboxMessages } from './schema/outbox-messages.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Sends a dead (or waiting) message again now, with a fresh attempt budget. The messages held back
 * behind it (same ordering key, later) are revived with it, so they still go out in order.
 */
export async function retryMessage(ctx: ActionContext, id: string): Promise<{ retried: OutboxMessage[] }> {
  assertPermission(ctx.actor, 'notifications:retry');
  if (!UUID.test(id)) throw new NotFoundError(`No outbox message ${id}.`);
  return ctx.db.transaction(async (tx) => {
    const [message] = await tx.select().from(outboxMessages).where(eq(outboxMessages.id, id)).for('update');
    if (!message) throw new NotFoundError(`No outbox message ${id}.`);
    if (message.status === 'delivered')
      throw new ConflictError(`Message ${id} was already delivered at ${message.deliveredAt?.toISOString()}.`);
    const revive = {
      status: 'pending' as const,
      failures: 0,
      nextAttemptAt: new Date(),
      deadAt: null,
      lockedUntil: null,
      claimToken: null,
    };
    const retried = await tx.update(outboxMessages).set(revive).where(eq(outboxMessages.id, id)).returning();
    if (message.orderingKey) {
      const followers = await tx
        .update(outboxMessages)
        .set(revive)
        .where(
          and(
            eq(outboxMessages.orderingKey, message.orderingKey),
            gt(outboxMessages.sequence, message.sequence),
            eq(outboxMessages.status, 'dead'),
          ),
        )
        .returning();
      retried.push(...followers.sort((a, b) => a.sequence - b.sequence));
    }
    await recordAudit(tx, ctx, {
      action: 'notifier.message.retry',
      targetType: 'outbox_message',
      targetId: id,
      details: {
        channel: message.channel,
        kind: message.kind,
        previousStatus: message.status,
        lastError: message.lastError,
        revived: retried.length,
      },
    });
    await tx.execute(sql`select pg_notify(${OUTBOX_CHANNEL}, ${message.channel})`);
    return { retried: retried.sort((a, b) => a.sequence - b.sequence) };
  });
}
