import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const OUTBOX_CHANNELS = ['slack', 'pagerduty', 'email'] as const;
export type OutboxChannel = (typeof OUTBOX_CHANNELS)[number];

/**
 * pending: not tried yet (or claimed right now); failed: the last attempt failed, another is scheduled;
 * delivered: done; dead: no attempts left (or undeliverable), waiting for a person to retry it.
 */
export const OUTBOX_STATUSES = ['pending', 'failed', 'delivered', 'dead'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/**
 * The durable outbox: one row per message owed to Slack, PagerDuty or an e-mail recipient, written in
 * the transaction of the change that owes it. The worker claims rows with FOR UPDATE SKIP LOCKED.
 */
export const outboxMessages = pgTable(
  'outbox_messages',
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Insertion order; messages of one ordering key are delivered in this order. */
    sequence: bigserial({ mode: 'number' }).notNull(),
    channel: text({ enum: OUTBOX_CHANNELS }).notNull(),
    /** What the adapter does with the payload: one of the kinds of outbox-payloads.ts ('slack.post', 'pagerduty.trigger', 'email', ...). */
    kind: text().notNull(),
    /** Writing the same key twice keeps the first message: callers can enqueue without checking. */
    idempotencyKey: text().notNull(),
    /** Messages sharing it go out one at a time, in sequence order (e.g. 'slack:<incident id>'). */
    orderingKey: text(),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    status: text({ enum: OUTBOX_STATUSES }).notNull().default('pending'),
    /** Every attempt, including those refused with 429. */
    attempts: integer().notNull().default(0),
    /** Attempts that count towards the limit (a 429 does not). */
    failures: integer().notNull().default(0),
    maxAttempts: integer().notNull(),
    nextAttemptAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    /** Set by a claim; another worker may take the row over once it has passed (the claimer died). */
    lockedUntil: timestamp({ withTimezone: true, precision: 3 }),
    claimToken: uuid(),
    lastError: text(),
    /** What the far side answered on delivery (Slack ts, PagerDuty dedup key, SMTP message id). */
    result: jsonb().$type<Record<string, unknown>>(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    deliveredAt: timestamp({ withTimezone: true, precision: 3 }),
    deadAt: timestamp({ withTimezone: true, precision: 3 }),
  },
  (table) => [
    uniqueIndex('outbox_messages_idempotency_key_idx').on(table.idempotencyKey),
    // Serves the worker's claim: undelivered rows due by now, in sequence order.
    index('outbox_messages_due_idx').on(table.nextAttemptAt, table.sequence).where(sql`status in ('pending', 'failed')`),
    // Serves the ordering check "an earlier undelivered message with the same key exists".
    index('outbox_messages_ordering_idx').on(table.orderingKey, table.sequence).where(sql`status <> 'delivered'`),
    // Serves the API's listing by status, newest first.
    index('outbox_messages_status_created_idx').on(table.status, table.createdAt.desc()),
  ],
);

export type OutboxMessage = typeof outboxMessages.$inferSelect;
export type NewOutboxMessage = typeof outboxMessages.$inferInsert;
