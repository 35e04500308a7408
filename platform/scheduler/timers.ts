import { and, eq, isNull, like, lte } from 'drizzle-orm';
import type { Database } from '../database/index.ts';
import { preparedStatement } from '../database/index.ts';
import type { Timer } from '../schema/timers.ts';
import { timers } from '../schema/timers.ts';

export type { Timer };

export interface TimerInput {
  kind: string;
  key: string;
  dueAt: Date;
  payload?: Record<string, unknown>;
}

/**
 * Schedules a timer in the caller's transaction. Scheduling the same kind and key again moves a timer
 * that has not fired yet (and revives a cancelled one); a timer that already fired stays fired.
 */
export async function scheduleTimer(tx: Database, input: TimerInput): Promise<void> {
  await tx
    .insert(timers)
    .values({ kind: input.kind, key: input.key, dueAt: input.dueAt, payload: input.payload ?? {} })
    .onConflictDoUpdate({
      target: [timers.kind, timers.key],
      set: { dueAt: input.dueAt, payload: input.payload ?? {}, cancelledAt: null },
      setWhere: isNull(timers.firedAt),
    });
}

/** Cancels pending timers of a kind whose key starts with keyPrefix. Returns how many. */
export async function cancelTimers(tx: Database, kind: string, keyPrefix: string): Promise<number> {
  const escaped = keyPrefix.replace(/[\\%_]/g, (character) => `\\${character}`);
  const cancelled = await tx
    .update(timers)
    .set({ cancelledAt: new Date() })
    .where(and(eq(timers.kind, kind), like(timers.key, `${escaped}%`), isNull(timers.firedAt), isNull(timers.cancelledAt)))
    .returning({ id: timers.id });
  return cancelled.length;
}

/** Claims up to `limit` due timers; the row locks hold until the caller's transaction ends. */
export async function claimDueTimers(tx: Database, now: Date, limit: number): Promise<Timer[]> {
  return tx
    .select()
    .from(timers)
    .where(and(isNull(timers.firedAt), isNull(timers.cancelledAt), lte(timers.dueAt, now)))
    .orderBy(timers.dueAt)
    .limit(limit)
    .for('update', { skipLocked: true });
}

const setAllFired = preparedStatement<[ids: string, now: string], never>(
  `update timers set fired_at = $2::text::timestamptz where id = any(string_to_array($1::text, ',')::uuid[])`,
);

/** Marks timers fired, in one statement (a tick fires a burst of them together). */
export async function markTimersFired(tx: Database, ids: readonly string[], now: Date): Promise<void> {
  if (ids.length > 0) await setAllFired(tx, ids.join(','), now.toISOString());
}

/** Records a failed attempt and retries later, so that one broken timer does not hold up the rest. */
export async function deferTimer(tx: Database, timer: Timer, now: Date, error: unknown): Promise<void> {
  const attempts = timer.attempts + 1;
  const delayMs = Math.min(2 ** attempts * 1000, 15 * 60_000);
  await tx
    .update(timers)
    .set({
      attempts,
      lastError: String(error instanceof Error ? error.message : error).slice(0, 2000),
      dueAt: new Date(now.getTime() + delayMs),
    })
    .where(eq(timers.id, timer.id));
}
