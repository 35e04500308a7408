import { z } from 'zod';
import type { Config, Database } from '../platform/index.ts';
import { invalidInputFromIssues, preparedStatement } from '../platform/index.ts';
import type { OutboxContent } from './outbox-payloads.ts';
import { EmailPayload } from './outbox-payloads.ts';
import type { OutboxStatus } from './schema/outbox-messages.ts';
import type { NotifierSettings } from './settings.ts';
import { settingsFromConfig } from './settings.ts';

/** The Postgres NOTIFY channel that wakes the outbox worker when a message commits. */
export const OUTBOX_CHANNEL = 'firebreak_outbox';

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

export type OutboxInsert = OutboxContent & {
  idempotencyKey: string;
  orderingKey?: string | null;
  /** Written dead at once with this reason: the channel cannot deliver (e.g. not configured). */
  undeliverable?: string;
};

// Every incident change and deadline warning writes its messages with this statement, and a tick's
// warnings run side by side: one prepared statement (one round trip) checks the ordering key for a
// dead message, inserts, wakes the worker, and reads back a message already written under the key.
const insertMessage = preparedStatement<
  [
    channel: string,
    kind: string,
    idempotencyKey: string,
    orderingKey: string | null,
    payload: string,
    maxAttempts: number,
    undeliverable: string | null,
    now: string,
  ],
  { id: string; status: OutboxStatus; created: boolean; announced: number }
>(`
  with blocker as (
    select id from outbox_messages
    where $7::text is null and ordering_key = $4::text and status = 'dead'
    limit 1
  ),
  inserted as (
    insert into outbox_messages (channel, kind, idempotency_key, ordering_key, payload, max_attempts, status, last_error, dead_at, next_attempt_at)
    select $1::text, $2::text, $3::text, $4::text, $5::text::jsonb, $6::int,
      case when $7::text is null and b.id is null then 'pending' else 'dead' end,
      coalesce($7::text, 'held back: an earlier message of ' || $4::text || ' (' || b.id || ') is dead'),
      case when $7::text is null and b.id is null then null else $8::text::timestamptz end,
      $8::text::timestamptz
    from (select 1) as one left join blocker b on true
    on conflict (idempotency_key) do nothing
    returning id, status
  ),
  announced as (select pg_notify('${OUTBOX_CHANNEL}', $1::text) from inserted where status = 'pending')
  select id::text as id, status, true as created, (select count(*) from announced)::int as announced from inserted
  union all
  select id::text, status, false, 0 from outbox_messages where idempotency_key = $3::text and not exists (select 1 from inserted)`);

/**
 * Writes one message to the outbox in the caller's transaction; the worker delivers it after commit.
 * A second write with the same idempotency key keeps the first message. A message behind a dead one of
 * the same ordering key would wait forever: it is written dead at once ("held back"), visibly, and
 * retrying the dead one by hand revives it too.
 */
export async function insertOutboxMessage(tx: Database, settings: NotifierSettings, input: OutboxInsert): Promise<EnqueuedMessage> {
  const [row] = await insertMessage(
    tx,
    input.channel,
    input.kind,
    input.idempotencyKey,
    input.orderingKey ?? null,
    JSON.stringify(input.payload),
    settings.maxAttempts,
    input.undeliverable ?? null,
    new Date().toISOString(),
  );
  if (!row) throw new Error(`outbox message ${input.idempotencyKey} vanished during enqueue`);
  return { id: row.id, idempotencyKey: input.idempotencyKey, status: row.status, created: row.created };
}

/**
 * Queues an e-mail in the caller's transaction (breach notices and other mail). Without SMTP_URL the
 * message is stored dead with the reason, so that its status says why it was not sent.
 */
export async function enqueueMessage(tx: Database, config: Config, rawInput: EnqueueMessageInput): Promise<EnqueuedMessage> {
  const parsed = EnqueueMessageInput.safeParse(rawInput);
  if (!parsed.success) throw invalidInputFromIssues('message', parsed.error.issues);
  const input = parsed.data;
  const settings = settingsFromConfig(config);
  return insertOutboxMessage(tx, settings, {
    channel: 'email',
    kind: 'email',
    idempotencyKey: input.idempotencyKey,
    orderingKey: input.orderingKey ?? null,
    payload: input.payload,
    undeliverable: settings.email ? undefined : 'e-mail is not configured: SMTP_URL is not set',
  });
}
