import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Config } from '../config.ts';
import type { Database } from '../database/index.ts';
import type { Timer } from '../scheduler/index.ts';
import { cancelTimers, scheduleTimer } from '../scheduler/index.ts';
import { accessReviews } from '../schema/access-reviews.ts';
import { timers } from '../schema/timers.ts';
import type { AccessAnnouncer } from './announcements.ts';

/** The timer kind that reminds the admins of a review due; keyed by its due time (a fired timer keeps its key). */
export const ACCESS_REVIEW_TIMER = 'access.review_due';

const DAY_MS = 86_400_000;

/** Plans the next reminder ACCESS_REVIEW_DAYS after `from`, replacing any pending one (caller's transaction). */
export async function planReviewReminder(tx: Database, config: Config, from: Date): Promise<Date> {
  const dueAt = new Date(from.getTime() + config.ACCESS_REVIEW_DAYS * DAY_MS);
  await cancelTimers(tx, ACCESS_REVIEW_TIMER, '');
  await scheduleTimer(tx, { kind: ACCESS_REVIEW_TIMER, key: dueAt.toISOString(), dueAt });
  return dueAt;
}

/**
 * At start: a reminder is always pending. The first one counts from the last review, or from now when
 * there was none; a pending one is left alone, so restarts never postpone it.
 */
export async function ensureReviewReminder(db: Database, config: Config, now: Date = new Date()): Promise<void> {
  await db.transaction(async (tx) => {
    const [pending] = await tx
      .select({ id: timers.id })
      .from(timers)
      .where(and(eq(timers.kind, ACCESS_REVIEW_TIMER), isNull(timers.firedAt), isNull(timers.cancelledAt)))
      .limit(1);
    if (pending) return;
    const [last] = await tx.select().from(accessReviews).orderBy(desc(accessReviews.reviewedAt)).limit(1);
    await planReviewReminder(tx, config, last?.reviewedAt ?? now);
  });
}

/** The scheduler's handler: tells the admins a review is due, and reminds again ACCESS_REVIEW_DAYS later. */
export function remindReviewDue(config: Config, announce: AccessAnnouncer) {
  return async (tx: Database, timer: Timer, now: Date): Promise<void> => {
    const [lastReview = null] = await tx.select().from(accessReviews).orderBy(desc(accessReviews.reviewedAt)).limit(1);
    await announce(tx, config, { kind: 'access_review.due', dueAt: timer.dueAt, lastReview });
    const dueAt = new Date(now.getTime() + config.ACCESS_REVIEW_DAYS * DAY_MS);
    await scheduleTimer(tx, { kind: ACCESS_REVIEW_TIMER, key: dueAt.toISOString(), dueAt });
  };
}
