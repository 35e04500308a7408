import type { SQL } from 'drizzle-orm';
import { and, desc, eq, lt, or } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../platform/index.ts';
import { InvalidInputError } from '../platform/index.ts';
import type { OutboxMessage } from './schema/outbox-messages.ts';
import { OUTBOX_CHANNELS, OUTBOX_STATUSES, outboxMessages } from './schema/outbox-messages.ts';

export const MessageListQuery = z.object({
  status: z.enum(OUTBOX_STATUSES).optional(),
  channel: z.enum(OUTBOX_CHANNELS).optional(),
  orderingKey: z.string().min(1).max(500).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** The `nextCursor` of the previous page. */
  cursor: z.string().max(100).optional(),
});
export type MessageListQuery = z.infer<typeof MessageListQuery>;

function decodeCursor(cursor: string): { createdAt: Date; sequence: number } {
  const [time, sequence] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(time ?? '');
  const number = Number(sequence);
  if (Number.isNaN(createdAt.getTime()) || !Number.isInteger(number)) throw new InvalidInputError('cursor: not a cursor this API returned');
  return { createdAt, sequence: number };
}

/** Outbox messages, newest first, filtered by status, channel or ordering key. */
export async function listMessages(
  db: Database,
  query: MessageListQuery,
): Promise<{ messages: OutboxMessage[]; nextCursor: string | null }> {
  const conditions: SQL[] = [];
  if (query.status) conditions.push(eq(outboxMessages.status, query.status));
  if (query.channel) conditions.push(eq(outboxMessages.channel, query.channel));
  if (query.orderingKey) conditions.push(eq(outboxMessages.orderingKey, query.orderingKey));
  if (query.cursor) {
    const { createdAt, sequence } = decodeCursor(query.cursor);
    const before = or(
      lt(outboxMessages.createdAt, createdAt),
      and(eq(outboxMessages.createdAt, createdAt), lt(outboxMessages.sequence, sequence)),
    );
    if (before) conditions.push(before);
  }
  const rows = await db
    .select()
    .from(outboxMessages)
    .where(and(...conditions))
    .orderBy(desc(outboxMessages.createdAt), desc(outboxMessages.sequence))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > query.limit && last ? Buffer.from(`${last.createdAt.toISOString()}|${last.sequence}`).toString('base64url') : null;
  return { messages: page, nextCursor };
}
