import type { Config, Database } from '../../platform/index.ts';
import type { AlertSettings } from './alert-settings.ts';
import { summarize } from './ingest-outcomes.ts';
import type { Incoming, ReceiveSummary } from './ingest-shapes.ts';
import { ingestInTransaction } from './ingest-transaction.ts';
import { isFiring, mergeAlert } from './merge-alert.ts';
import { withRetryOnConflict } from './retry.ts';

/** One request's alerts, waiting for a transaction. */
interface Submission {
  incoming: Map<string, Incoming>;
  settings: AlertSettings;
  config: Config;
  /** A fixed time to judge the delivery at (tests); null: now. */
  now: Date | null;
  received: number;
}

interface Waiting extends Submission {
  /** When it was submitted (performance.now()). */
  since: number;
  resolve(summary: ReceiveSummary): void;
  reject(error: unknown): void;
}

/** Transactions one process runs side by side at most; requests arriving meanwhile share the next one. */
const CONCURRENT_TRANSACTIONS = 2;
const MAX_ALERTS_PER_TRANSACTION = 2000;
/**
 * A transaction starts beside one already running only for this many waiting alerts, or once the
 * oldest waiting request has waited SIDE_BY_SIDE_AFTER_MS. Every transaction pays the same fixed
 * work (its statements, the incidents its alerts join, the commit), so two half-size transactions
 * side by side cost more CPU per alert than one of the whole batch; a second one is worth starting
 * only for a batch of its own. Measured under the alerts benchmark (8 connections, 100 alerts per
 * request): always starting a second transaction at once made batches of 2.3 requests; this makes
 * them 3.8, with 15-25% more alerts/s; one transaction at a time, 4 requests, was slower again
 * (nothing overlapped the round trips).
 */
const SIDE_BY_SIDE_MIN_ALERTS = 400;
/** The most a request waits for a side-by-side transaction while the running one is slow (a lock wait, say). */
const SIDE_BY_SIDE_AFTER_MS = 25;

/**
 * Group commit: while CONCURRENT_TRANSACTIONS ingest transactions are in flight, requests that arrive
 * wait and then go together in one transaction (each still answered only after that commit). Under a
 * storm this turns many small transactions, each paying its round trips and WAL flush, into few larger
 * ones; a lone request runs at once, and a second transaction starts beside a running one only for a
 * batch of its own (SIDE_BY_SIDE_MIN_ALERTS). Two deliveries of the same alert share a transaction only if
 * both are firing (heartbeats: merging them equals applying them in turn); otherwise the later one
 * waits for the next transaction, so order is kept.
 */
class IngestQueue {
  private readonly waiting: Waiting[] = [];
  private active = 0;
  private wake: NodeJS.Timeout | undefined;

  constructor(private readonly db: Database) {}

  submit(submission: Submission): Promise<ReceiveSummary> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ ...submission, since: performance.now(), resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.active < CONCURRENT_TRANSACTIONS && this.waiting.length > 0) {
      if (this.active > 0 && !worthAnotherTransaction(this.waiting, performance.now())) {
        this.wakeForOldest();
        return;
      }
      const batch = this.take();
      this.active++;
      void this.run(batch).finally(() => {
        this.active--;
        this.pump();
      });
    }
  }

  /** Pumps again when the oldest waiting request has waited SIDE_BY_SIDE_AFTER_MS, unless a transaction ends first. */
  private wakeForOldest(): void {
    const oldest = this.waiting[0];
    if (!oldest || this.wake) return;
    this.wake = setTimeout(
      () => {
        this.wake = undefined;
        this.pump();
      },
      Math.max(0, oldest.since + SIDE_BY_SIDE_AFTER_MS - performance.now()),
    );
    this.wake.unref();
  }

  private take(): Waiting[] {
    const first = this.waiting.shift();
    if (!first) return [];
    const batch = [first];
    if (first.now !== null) return batch;
    const now = new Date();
    const firing = new Map<string, boolean>();
    let alerts = first.incoming.size;
    for (const item of first.incoming.values()) firing.set(item.fingerprint, isFiring(item.delivery.endsAt, now));
    for (;;) {
      const next = this.waiting[0];
      if (
        !next ||
        next.now !== null ||
        next.settings !== first.settings ||
        next.config !== first.config ||
        alerts + next.incoming.size > MAX_ALERTS_PER_TRANSACTION
      )
        break;
      const clash = [...next.incoming.values()].some((item) => {
        const earlier = firing.get(item.fingerprint);
        return earlier !== undefined && !(earlier && isFiring(item.delivery.endsAt, now));
      });
      if (clash) break;
      this.waiting.shift();
      batch.push(next);
      alerts += next.incoming.size;
      for (const item of next.incoming.values()) firing.set(item.fingerprint, isFiring(item.delivery.endsAt, now));
    }
    return batch;
  }

  private async run(batch: Waiting[]): Promise<void> {
    const [first] = batch;
    if (!first) return;
    // take() batches only requests judged alike: the first one's settings and configuration are all of theirs.
    const { settings, config } = first;
    const now = first.now ?? new Date();
    try {
      const combined = combine(batch, now);
      const outcomes = await withRetryOnConflict(() => ingestInTransaction(this.db, combined, { settings, config, now }));
      for (const waiting of batch) waiting.resolve(summarize(waiting.incoming, waiting.received, outcomes));
    } catch (error) {
      if (batch.length === 1) {
        first.reject(error);
        return;
      }
      // One request's trouble must not fail the others: each goes again on its own.
      for (const waiting of batch) {
        try {
          const outcomes = await withRetryOnConflict(() =>
            ingestInTransaction(this.db, waiting.incoming, { settings, config, now: new Date() }),
          );
          waiting.resolve(summarize(waiting.incoming, waiting.received, outcomes));
        } catch (own) {
          waiting.reject(own);
        }
      }
    }
  }
}

/**
 * Whether requests waiting (oldest first, `since` as performance.now()) are worth a transaction beside
 * one already running: enough alerts for a batch of their own, or the oldest has waited long enough.
 */
export function worthAnotherTransaction(waiting: readonly { incoming: { size: number }; since: number }[], now: number): boolean {
  const oldest = waiting[0];
  if (!oldest) return false;
  if (now - oldest.since >= SIDE_BY_SIDE_AFTER_MS) return true;
  let alerts = 0;
  for (const request of waiting) {
    alerts += request.incoming.size;
    if (alerts >= SIDE_BY_SIDE_MIN_ALERTS) return true;
  }
  return false;
}

// One queue per database handle (a replica's pool, or the transaction an SLO evaluation raises alerts
// in): it is the live meeting point of that pool's concurrent requests, and must be the same object
// for all of them to group their commits. It holds no settings: each submission brings its own.
const queues = new WeakMap<Database, IngestQueue>();

/** The ingest queue of this database handle. */
export function queueOf(db: Database): IngestQueue {
  let queue = queues.get(db);
  if (!queue) {
    queue = new IngestQueue(db);
    queues.set(db, queue);
  }
  return queue;
}

/** The alerts of several requests as one batch; heartbeats of one alert merge (the earliest start, the latest end). */
function combine(batch: readonly Submission[], now: Date): Map<string, Incoming> {
  if (batch.length === 1 && batch[0]) return batch[0].incoming;
  const combined = new Map<string, Incoming>();
  for (const submission of batch) {
    for (const item of submission.incoming.values()) {
      const earlier = combined.get(item.fingerprint);
      // The same heartbeat from several requests (the usual case): merged, it is the later one.
      if (!earlier || (earlier.groupKey === item.groupKey && sameTimes(earlier.delivery, item.delivery))) {
        combined.set(item.fingerprint, item);
        continue;
      }
      const merged = mergeAlert({ ...earlier.delivery, status: 'firing' }, item.delivery, now).next;
      combined.set(item.fingerprint, {
        ...item,
        groupKey: earlier.groupKey,
        delivery: { ...item.delivery, startsAt: merged.startsAt, endsAt: merged.endsAt, endsAtIsTimeout: merged.endsAtIsTimeout },
      });
    }
  }
  return combined;
}

/** Whether two deliveries start and end at the same times. */
function sameTimes(a: Incoming['delivery'], b: Incoming['delivery']): boolean {
  return a.startsAt.getTime() === b.startsAt.getTime() && (a.endsAt?.getTime() ?? null) === (b.endsAt?.getTime() ?? null);
}
