import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { ScheduledTask } from 'node-cron';
import cron from 'node-cron';
import type { Database } from '../database/index.ts';
import { queryRows } from '../database/index.ts';
import type { Logger } from '../logger.ts';
import type { Timer } from './timers.ts';
import { claimDueTimers, deferTimer, markTimersFired } from './timers.ts';

/** Runs inside the transaction that claimed the timer: its writes commit with the timer's firing. */
export type TimerHandler = (tx: Database, timer: Timer, now: Date) => Promise<void>;

export interface TimerOptions {
  /**
   * Timers of this kind that fall due together run side by side in one savepoint, their statements
   * pipelined on the tick's connection: a burst of them takes about the round trips of one. Only for
   * handlers that never decide from what another timer of the kind writes in the same tick (no
   * read-then-write of shared rows). Should any of them fail, all of them roll back and run again
   * one at a time, each in its own savepoint, so that one broken timer still holds up no other.
   */
  concurrent?: boolean;
}

interface RegisteredHandler {
  run: TimerHandler;
  concurrent: boolean;
}

/**
 * A periodic job; it runs in a transaction that holds the job's lock, so one replica runs it at a time.
 * A job that works through a backlog answers 'more' to run again at once, in a new transaction: each
 * batch commits on its own, so no lock is held for the whole backlog.
 */
export type JobRun = (tx: Database, now: Date) => Promise<'more' | undefined> | Promise<void>;

interface Job {
  name: string;
  cronExpression: string;
  run: JobRun;
}

const TIMER_BATCH = 200;
// A job answering 'more' forever (a bug) still ends its run; the next tick goes on.
const MAX_JOB_BATCHES = 1_000;
const TIMER_TICK = '* * * * * *';

function lockKeyOf(name: string): bigint {
  return createHash('sha256').update(`firebreak.job.${name}`).digest().readBigInt64BE(0);
}

/**
 * node-cron only ticks; the work is claimed in the database. Parts register timer handlers by kind
 * and periodic jobs by name; tests call runDueTimers() and runJob() with the time they want.
 */
export class Scheduler {
  private readonly timerHandlers = new Map<string, RegisteredHandler>();
  private readonly jobs = new Map<string, Job>();
  private readonly running = new Set<string>();
  private readonly tasks: ScheduledTask[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopping = false;

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
  ) {}

  onTimer(kind: string, handler: TimerHandler, options: TimerOptions = {}): void {
    if (this.timerHandlers.has(kind)) throw new Error(`A handler for timer kind "${kind}" is already registered.`);
    this.timerHandlers.set(kind, { run: handler, concurrent: options.concurrent ?? false });
  }

  /** Registers a periodic job; cronExpression may have a seconds field ("*\/10 * * * * *"). */
  every(name: string, cronExpression: string, run: JobRun): void {
    if (!cron.validate(cronExpression)) throw new Error(`Job "${name}": invalid cron expression "${cronExpression}".`);
    this.jobs.set(name, { name, cronExpression, run });
  }

  start(): void {
    this.stopping = false;
    // Timers are checked every second, so a warning leaves within a second or two of its due time.
    this.tasks.push(cron.schedule(TIMER_TICK, () => this.track(this.runDueTimers()), { name: 'timers', noOverlap: true }));
    for (const job of this.jobs.values()) {
      this.tasks.push(cron.schedule(job.cronExpression, () => this.track(this.runJob(job.name)), { name: job.name, noOverlap: true }));
    }
    this.logger.info({ jobs: [...this.jobs.keys()], timerKinds: [...this.timerHandlers.keys()] }, 'scheduler started');
  }

  /** Stops ticking and waits for the runs in progress. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.tasks.splice(0).map((task) => task.stop()));
    await Promise.allSettled([...this.inFlight]);
  }

  /** Fires every timer due by `now`; returns how many fired. */
  async runDueTimers(now: Date = new Date()): Promise<number> {
    if (this.running.has('timers')) return 0;
    this.running.add('timers');
    let fired = 0;
    try {
      for (;;) {
        const batch = await this.db.transaction(async (tx) => {
          const due = await claimDueTimers(tx, now, TIMER_BATCH);
          const together = new Map<string, Timer[]>();
          for (const timer of due) {
            if (!this.timerHandlers.get(timer.kind)?.concurrent) continue;
            const ofKind = together.get(timer.kind);
            if (ofKind) ofKind.push(timer);
            else together.set(timer.kind, [timer]);
          }
          for (const timers of together.values()) fired += await this.fireTogether(tx, timers, now);
          fired += await this.fireEachAlone(
            tx,
            due.filter((timer) => !together.has(timer.kind)),
            now,
          );
          return due.length;
        });
        if (batch < TIMER_BATCH) break;
      }
    } catch (error) {
      this.logger.error({ err: error }, 'timer tick failed');
    } finally {
      this.running.delete('timers');
    }
    return fired;
  }

  private async fire(tx: Database, timer: Timer, now: Date): Promise<boolean> {
    const handler = this.timerHandlers.get(timer.kind);
    if (!handler) {
      await deferTimer(tx, timer, now, `no handler registered for timer kind "${timer.kind}"`);
      return false;
    }
    try {
      // A savepoint: a failing handler's writes roll back, the timer's failure is still recorded.
      await tx.transaction(async (savepoint) => {
        await handler.run(savepoint, timer, now);
        await markTimersFired(savepoint, [timer.id], now);
      });
      return true;
    } catch (error) {
      this.logger.warn({ err: error, timer: { kind: timer.kind, key: timer.key } }, 'timer handler failed; will retry');
      await deferTimer(tx, timer, now, error);
      return false;
    }
  }

  /** Each timer in its own savepoint, one after the other; returns how many fired. */
  private async fireEachAlone(tx: Database, timers: readonly Timer[], now: Date): Promise<number> {
    let fired = 0;
    for (const timer of timers) fired += (await this.fire(tx, timer, now)) ? 1 : 0;
    return fired;
  }

  /** Timers of one concurrent kind, side by side in one savepoint; on any failure, each again alone. */
  private async fireTogether(tx: Database, timers: Timer[], now: Date): Promise<number> {
    const handler = timers[0] ? this.timerHandlers.get(timers[0].kind) : undefined;
    if (!handler || timers.length === 1) return this.fireEachAlone(tx, timers, now);
    try {
      await tx.transaction(async (savepoint) => {
        // Every handler settles before the savepoint ends either way: none may still be writing after a rollback.
        const outcomes = await Promise.allSettled(timers.map((timer) => handler.run(savepoint, timer, now)));
        const failure = outcomes.find((outcome) => outcome.status === 'rejected');
        if (failure) throw failure.reason;
        await markTimersFired(
          savepoint,
          timers.map((timer) => timer.id),
          now,
        );
      });
      return timers.length;
    } catch {
      return this.fireEachAlone(tx, timers, now);
    }
  }

  /** Runs a periodic job now, unless this or another replica is already running it. Returns whether it ran. */
  async runJob(name: string, now: Date = new Date()): Promise<boolean> {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`No job named "${name}".`);
    if (this.running.has(name)) return false;
    this.running.add(name);
    try {
      let ran = false;
      // A stopping service ends a backlog between batches; what is left waits for the next run.
      for (let batch = 0; batch < MAX_JOB_BATCHES && !(batch > 0 && this.stopping); batch++) {
        const outcome = await this.db.transaction(async (tx) => {
          const [lock] = await queryRows<{ acquired: boolean }>(tx, sql`select pg_try_advisory_xact_lock(${lockKeyOf(name)}) as acquired`);
          if (!lock?.acquired) return 'locked';
          return (await job.run(tx, now)) ?? 'done';
        });
        if (outcome === 'locked') break;
        ran = true;
        if (outcome === 'done') break;
      }
      return ran;
    } catch (error) {
      this.logger.error({ err: error, job: name }, 'scheduled job failed');
      return false;
    } finally {
      this.running.delete(name);
    }
  }

  private track(work: Promise<unknown>): Promise<unknown> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
    return work;
  }
}
