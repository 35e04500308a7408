import { inArray } from 'drizzle-orm';
import type { Database } from '../platform/index.ts';
import type { OutboxStatus } from './schema/outbox-messages.ts';
import { outboxMessages } from './schema/outbox-messages.ts';

export interface DeliveryStatus {
  id: string;
  idempotencyKey: string;
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  deliveredAt: Date | null;
  nextAttemptAt: Date | null;
}

/** The delivery status of each message by idempotency key; keys never enqueued are absent from the map. */
export async function getDeliveryStatus(db: Database, idempotencyKeys: string[]): Promise<Map<string, DeliveryStatus>> {
  const statuses = new Map<string, DeliveryStatus>();
  if (idempotencyKeys.length === 0) return statuses;
  const rows = await db
    .select({
      id: outboxMessages.id,
      idempotencyKey: outboxMessages.idempotencyKey,
      status: outboxMessages.status,
      attempts: outboxMessages.attempts,
      lastError: outboxMessages.lastError,
      deliveredAt: outboxMessages.deliveredAt,
      nextAttemptAt: outboxMessages.nextAttemptAt,
    })
    .from(outboxMessages)
    .where(inArray(outboxMessages.idempotencyKey, [...new Set(idempotencyKeys)]));
  for (const row of rows) {
    statuses.set(row.idempotencyKey, {
      ...row,
      nextAttemptAt: row.status === 'pending' || row.status === 'failed' ? row.nextAttemptAt : null,
    });
  }
  return statuses;
}
