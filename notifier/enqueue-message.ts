import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../platform/index.ts';
import { invalidInputFromIssues } from '../platform/index.ts';
import { outboxMessages } from './schema/outbox-messages.ts';
import type { OutboxChannel, OutboxStatus } from './schema/outbox-messages.ts';
import { notifierSettings } from './settings.ts';

/** The Postgres NOTIFY channel that wakes the outbox worker when a message commits. */
export const OUTBOX_CHANNEL = 'firebreak_outbox';

export const EmailPayload = z.object({
  to: z.union([z.email(), z.array(z.email()).min(1).max(100)]),
  subject: z.string().trim().min(1).max(500),
  text: z.string().min(1).max(200_000),
  html: z.string().max(500_000).optional(),
  replyTo: z.email().optional(),
});
export type EmailPayload = z.infer<typeof EmailPayload>;

export const EnqueueMessageInput = z.object({
  channel: z.literal('email'),
  idempotencyKey: z.string().min(1).max(500),
  orderingKey: z.string().min(1).max(500).optional(),
  payload: EmailPayload,
});
export type EnqueueMessageInput = z.input<typeof EnqueueMessageInput>;

export interface EnqueuedMessage {
  id: string;
  idempotencyKey: string;
  status: OutboxStatus;
  /** False when a message with this idempotency key already existed (and was kept). */
  created: boolean;
}

export interface OutboxInsert {
  channel: OutboxChannel;
  kind: string;
  idempotencyKey: string;
  orderingKey?: string | null;
  payload: Record<string, unknown>;
  /** Written dead at once with this reason: the channel cannot deliver (e.g. not configured). */
  undeliverable?: string;
}

/**
 * Writes one message to the outbox in the caller's transaction; the worker delivers it after commit.
 * A second write with the same idempotency key keeps the first message.
 */
export async function insertOutboxMessage(tx: Database, input: OutboxInsert): Promise<EnqueuedMessage> {
  const now = new Date();
  let deadReason = input.undeliverable ?? null;
  if (!deadReason && input.orderingKey) {
    // A message behind a dead one of the same ordering key would wait forever; it is held back visibly
    // instead, and retrying the dead one by hand revives it too.
    const [blocker] = await tx
      .select({ id: outboxMessages.id })
      .from(outboxMessages)
      .where(and(eq(outboxMessages.orderingKey, input.orderingKey), eq(outboxMessages.status, 'dead')))
      .limit(1);
    if (blocker) deadReason = `held back: an earlier message of ${input.orderingKey} (${blocker.id}) is dead`;
  }
  const [row] = await tx
    .insert(outboxMessages)
    .values({
      channel: input.channel,
      kind: input.kind,
      idempotencyKey: input.idempotencyKey,
      orderingKey: input.orderingKey ?? null,
      payload: input.payload,
      maxAttempts: notifierSettings().maxAttempts,
      status: deadReason ? 'dead' : 'pending',
      lastError: deadReason,
      deadAt: deadReason ? now : null,
      nextAttemptAt: now,
    })
    .onConflictDoNothing({ target: outboxMessages.idempotencyKey })
    .returning({ id: outboxMessages.id, status: outboxMessages.status });
  if (row) {
    if (row.status === 'pending') await tx.execute(sql`select pg_notify(${OUTBOX_CHANNEL}, ${input.channel})`);
    return { id: row.id, idempotencyKey: input.idempotencyKey, status: row.status, created: true };
  }
  const [existing] = await tx
    .select({ id: outboxMessages.id, status: outboxMessages.status })
    .from(outboxMessages)
    .where(eq(outboxMessages.idempotencyKey, input.idempotencyKey));
  if (!existing) throw new Error(`outbox message ${input.idempotencyKey} vanished during enqueue`);
  return { id: existing.id, idempotencyKey: input.idempotencyKey, status: existing.status, created: false };
}

/**
 * Queues an e-mail in the caller's transaction (breach notices and other mail). Without SMTP_URL the
 * message is stored dead with the reason, so that its status says why it was not sent.
 */
export async function enqueueMessage(tx: Database, rawInput: EnqueueMessageInput): Promise<EnqueuedMessage> {
  const parsed = EnqueueMessageInput.safeParse(rawInput);
  if (!parsed.success) throw invalidInputFromIssues('message', parsed.error.issues);
  const input = parsed.data;
  return insertOutboxMessage(tx, {
    channel: input.channel,
    kind: 'email',
    idempotencyKey: input.idempotencyKey,
    orderingKey: input.orderingKey ?? null,
    payload: input.payload,
    undeliverable: notifierSettings().email ? undefined : 'e-mail is not configured: SMTP_URL is not set',
  });
}
