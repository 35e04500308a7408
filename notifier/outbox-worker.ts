import { and, asc, eq, gt, inArray, isNull, lt, lte, ne, or, sql } from 'drizzle-orm';
import type { Database, DatabaseHandle, Logger } from '../platform/index.ts';
import { queryRows } from '../platform/index.ts';
import type { BackoffOptions } from './backoff.ts';
import { backoffDelay } from './backoff.ts';
import { DeliveryError } from './delivery-error.ts';
import { OUTBOX_CHANNEL } from './enqueue-message.ts';
import { deliveryAttempts, deliveryLatency, outboxMessageCount } from './metrics.ts';
import type { OutboxChannel, OutboxMessage } from './schema/outbox-messages.ts';
import { OUTBOX_CHANNELS, outboxMessages } from './schema/outbox-messages.ts';

/** One way out (Slack, PagerDuty, e-mail). Throws DeliveryError to say whether a retry can help. */
export interface ChannelAdapter {
  channel: OutboxChannel;
  /** Delivers one message; resolves to what the far side answered (ids, timestamps) for the record. */
  deliver(message: OutboxMessage, db: Database): Promise<Record<string, unknown>>;
  close?(): Promise<void>;
}

/** A message's final outcome, told to whoever queued it (a breach notice waits for its e-mails). */
export interface SettledMessage {
  id: string;
  channel: OutboxChannel;
  idempotencyKey: string;
  outcome: 'delivered' | 'dead';
  at: Date;
  error: string | null;
}

/** Runs in the transaction that records the outcome; what it throws is logged, never undoes the outcome. */
export type SettledHook = (tx: Database, message: SettledMessage) => Promise<void>;

export interface OutboxWorkerOptions {
  batchSize: number;
  concurrency: number;
  pollMs: number;
  /** A claim older than this is presumed abandoned (its worker died) and may be taken over. */
  leaseMs: number;
  /** A delivery still running after this long counts as a failed, retryable attempt. */
  attemptTimeoutMs: number;
  backoff: BackoffOptions;
}

export interface RunSummary {
  claimed: number;
  delivered: number;
  retried: number;
  dead: number;
}

const GAUGE_REFRESH_MS = 2000;

/**
 * Delivers the outbox. Each round claims due messages with FOR UPDATE SKIP LOCKED (so replicas share
 * the work), skipping any whose ordering key has an earlier undelivered message, then delivers them
 * outside the claiming transaction and records the outcome.
 */
export class OutboxWorker {
  readonly name = 'outbox-worker';
  private stopped = true;
  private wake: (() => void) | null = null;
  private woken = false;
  private loopDone: Promise<void> | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private gaugeRefreshedAt = 0;

  constructor(
    private readonly database: DatabaseHandle,
    private readonly adapters: ReadonlyMap<OutboxChannel, ChannelAdapter>,
    private readonly options: OutboxWorkerOptions,
    private readonly logger: Logger,
    private readonly onSettled: SettledHook | null = null,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.database
      .listen(OUTBOX_CHANNEL, () => this.poke())
      .then((unlisten) => {
        if (this.stopped) {
          void unlisten();
          return;
        }
        this.unlisten = unlisten;
        // A message committed before LISTEN took effect woke nobody: look once more now.
        this.poke();
      })
      .catch((error: unknown) => this.logger.warn({ err: error }, 'outbox worker cannot LISTEN; polling only'));
    this.loopDone = this.loop();
    this.logger.info({ channels: [...this.adapters.keys()] }, 'outbox worker started');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.poke();
    await this.loopDone;
    await this.unlisten?.().catch(() => undefined);
    this.unlisten = null;
    await Promise.allSettled([...this.adapters.values()].map((adapter) => adapter.close?.()));
  }

  /** Wakes the loop now (a message was committed). */
  poke(): void {
    this.woken = true;
    this.wake?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      this.woken = false;
      let claimed = 0;
      try {
        claimed = (await this.runOnce()).claimed;
      } catch (error) {
        this.logger.error({ err: error }, 'outbox round failed');
      }
      if (this.stopped) break;
      if (claimed > 0 || this.woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  /** Claims one batch of due messages and delivers it. Tests call it directly with the time they want. */
  async runOnce(now: Date = new Date()): Promise<RunSummary> {
    const claimed = await this.claim(now);
    const summary: RunSummary = { claimed: claimed.length, delivered: 0, retried: 0, dead: 0 };
    let next = 0;
    const workers = Array.from({ length: Math.min(this.options.concurrency, claimed.length) }, async () => {
      for (let index = next++; index < claimed.length; index = next++) {
        const message = claimed[index];
        if (message) summary[await this.deliver(message, now)]++;
      }
    });
    await Promise.all(workers);
    await this.refreshGauge();
    return summary;
  }

  /** Runs rounds until nothing is due at `now` (messages waiting for a later retry stay). */
  async drain(now: () => Date = () => new Date(), maxRounds = 1000): Promise<RunSummary> {
    const total: RunSummary = { claimed: 0, delivered: 0, retried: 0, dead: 0 };
    for (let round = 0; round < maxRounds; round++) {
      const summary = await this.runOnce(now());
      if (summary.claimed === 0) break;
      for (const key of Object.keys(total) as (keyof RunSummary)[]) total[key] += summary[key];
    }
    return total;
  }

  private async claim(now: Date): Promise<OutboxMessage[]> {
    const earlier = sql`select 1 from ${outboxMessages} as earlier
      where earlier.ordering_key = ${outboxMessages.orderingKey}
        and earlier.sequence < ${outboxMessages.sequence}
        and earlier.status <> 'delivered'`;
    return this.database.db.transaction(async (tx) => {
      const due = await tx
        .select({ id: outboxMessages.id })
        .from(outboxMessages)
        .where(
          and(
            inArray(outboxMessages.status, ['pending', 'failed']),
            lte(outboxMessages.nextAttemptAt, now),
            or(isNull(outboxMessages.lockedUntil), lt(outboxMessages.lockedUntil, now)),
            or(isNull(outboxMessages.orderingKey), sql`not exists (${earlier})`),
          ),
        )
        .orderBy(asc(outboxMessages.sequence))
        .limit(this.options.batchSize)
        .for('update', { skipLocked: true });
      if (due.length === 0) return [];
      const claimed = await tx
        .update(outboxMessages)
        .set({
          lockedUntil: new Date(now.getTime() + this.options.leaseMs),
          claimToken: sql`gen_random_uuid()`,
          attempts: sql`${outboxMessages.attempts} + 1`,
        })
        .where(
          inArray(
            outboxMessages.id,
            due.map((row) => row.id),
          ),
        )
        .returning();
      return claimed.sort((a, b) => a.sequence - b.sequence);
    });
  }

  private async deliver(message: OutboxMessage, claimedAt: Date): Promise<'delivered' | 'retried' | 'dead'> {
    const adapter = this.adapters.get(message.channel);
    if (!adapter) {
      await this.recordDead(message, `${message.channel} is not configured, so this message cannot be delivered`);
      return 'dead';
    }
    try {
      const result = await this.withTimeout(adapter.deliver(message, this.database.db));
      const deliveredAt = new Date();
      await this.database.db.transaction(async (tx) => {
        const [updated] = await tx
          .update(outboxMessages)
          .set({ status: 'delivered', deliveredAt, result, lastError: null, lockedUntil: null, claimToken: null })
          .where(and(eq(outboxMessages.id, message.id), eq(outboxMessages.claimToken, claimTokenOf(message))))
          .returning({ id: outboxMessages.id });
        if (updated) await this.settle(tx, message, 'delivered', deliveredAt, null);
      });
      deliveryAttempts.inc({ channel: message.channel, outcome: 'delivered' });
      deliveryLatency.observe({ channel: message.channel }, (deliveredAt.getTime() - message.createdAt.getTime()) / 1000);
      return 'delivered';
    } catch (error) {
      return this.recordFailure(message, error, claimedAt);
    }
  }

  private async withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new DeliveryError(`no answer within ${this.options.attemptTimeoutMs} ms`, true)),
        this.options.attemptTimeoutMs,
      );
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async recordFailure(message: OutboxMessage, error: unknown, claimedAt: Date): Promise<'retried' | 'dead'> {
    const failure =
      error instanceof DeliveryError ? error : new DeliveryError(error instanceof Error ? error.message : String(error), true);
    const reason = failure.message.slice(0, 2000);
    const failures = failure.rateLimited ? message.failures : message.failures + 1;
    if (!failure.retryable || failures >= message.maxAttempts) {
      const why = failure.retryable ? `gave up after ${message.attempts} attempts: ${reason}` : reason;
      await this.recordDead(message, why, failures);
      this.logger.warn({ messageId: message.id, channel: message.channel, kind: message.kind, error: why }, 'outbox message is dead');
      return 'dead';
    }
    // The later of the claim's time and now: tests run rounds at a simulated future time.
    const now = new Date(Math.max(claimedAt.getTime(), Date.now()));
    const delay = Math.max(failure.retryAfterMs ?? 0, failure.rateLimited ? 0 : backoffDelay(failures, this.options.backoff));
    await this.database.db
      .update(outboxMessages)
      .set({
        status: 'failed',
        failures,
        lastError: reason,
        nextAttemptAt: new Date(now.getTime() + delay),
        lockedUntil: null,
        claimToken: null,
      })
      .where(and(eq(outboxMessages.id, message.id), eq(outboxMessages.claimToken, claimTokenOf(message))));
    deliveryAttempts.inc({ channel: message.channel, outcome: failure.rateLimited ? 'rate_limited' : 'retry' });
    this.logger.info(
      { messageId: message.id, channel: message.channel, error: reason, retryInMs: delay },
      'outbox delivery failed; will retry',
    );
    return 'retried';
  }

  private async recordDead(message: OutboxMessage, reason: string, failures = message.failures): Promise<void> {
    const now = new Date();
    await this.database.db.transaction(async (tx) => {
      const [updated] = await tx
        .update(outboxMessages)
        .set({ status: 'dead', failures, lastError: reason, deadAt: now, lockedUntil: null, claimToken: null })
        .where(and(eq(outboxMessages.id, message.id), eq(outboxMessages.claimToken, claimTokenOf(message))))
        .returning({ id: outboxMessages.id });
      if (message.orderingKey) await holdBackFollowers(tx, message, now);
      if (updated) await this.settle(tx, message, 'dead', now, reason);
    });
    deliveryAttempts.inc({ channel: message.channel, outcome: 'dead' });
  }

  /** Tells the hook in a savepoint of the outcome's transaction, so that a failing hook never undoes the outcome. */
  private async settle(tx: Database, message: OutboxMessage, outcome: SettledMessage['outcome'], at: Date, error: string | null) {
    if (!this.onSettled) return;
    const hook = this.onSettled;
    const settled: SettledMessage = {
      id: message.id,
      channel: message.channel,
      idempotencyKey: message.idempotencyKey,
      outcome,
      at,
      error,
    };
    try {
      await tx.transaction((savepoint) => hook(savepoint, settled));
    } catch (hookError) {
      this.logger.error({ err: hookError, messageId: message.id, outcome }, 'outbox: the settled-message hook failed');
    }
  }

  private async refreshGauge(): Promise<void> {
    if (Date.now() - this.gaugeRefreshedAt < GAUGE_REFRESH_MS) return;
    this.gaugeRefreshedAt = Date.now();
    await refreshOutboxGauge(this.database.db).catch((error: unknown) => this.logger.warn({ err: error }, 'outbox gauge refresh failed'));
  }
}

function claimTokenOf(message: OutboxMessage): string {
  if (!message.claimToken) throw new Error(`outbox message ${message.id} was delivered without a claim`);
  return message.claimToken;
}

/** Later messages of a dead message's ordering key would wait forever: they are marked dead behind it. */
async function holdBackFollowers(tx: Database, message: OutboxMessage, now: Date): Promise<void> {
  if (!message.orderingKey) return;
  await tx
    .update(outboxMessages)
    .set({ status: 'dead', lastError: `held back: an earlier message of ${message.orderingKey} (${message.id}) is dead`, deadAt: now })
    .where(
      and(
        eq(outboxMessages.orderingKey, message.orderingKey),
        gt(outboxMessages.sequence, message.sequence),
        inArray(outboxMessages.status, ['pending', 'failed']),
      ),
    );
}

/** Sets firebreak_notifier_outbox_messages from the table (every channel and status, zeros included). */
export async function refreshOutboxGauge(db: Database): Promise<void> {
  const rows = await queryRows<{ channel: OutboxChannel; status: string; count: string | number }>(
    db,
    sql`select channel, status, count(*) as count from ${outboxMessages} where ${ne(outboxMessages.status, 'delivered')} group by channel, status`,
  );
  for (const channel of OUTBOX_CHANNELS) {
    for (const status of ['pending', 'failed', 'dead']) {
      const row = rows.find((candidate) => candidate.channel === channel && candidate.status === status);
      outboxMessageCount.set({ channel, status }, Number(row?.count ?? 0));
    }
  }
}
