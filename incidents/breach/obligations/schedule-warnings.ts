import type { Database } from '../../../platform/index.ts';
import { cancelTimers, scheduleTimer } from '../../../platform/index.ts';
import type { WarningPlan, WarningPoint } from '../regimes/index.ts';
import { computeWarningPoints, overdueWarningPoint } from '../regimes/index.ts';
import type { BreachObligation } from './schema/breach-obligations.ts';

export const WARNING_TIMER_KIND = 'breach.warning';

export interface WarningTimerPayload extends Record<string, unknown> {
  obligationId: string;
  point: string;
  label: string;
  /** The effective due time this warning is about, ISO-8601. */
  dueAt: string;
  overdueEveryHours: number;
}

export const isActive = (obligation: Pick<BreachObligation, 'status'>) =>
  obligation.status === 'assessing' || obligation.status === 'applicable';

/** Timer key: one per obligation, due time and point, so each warning of a schedule fires once. */
export function warningTimerKey(obligationId: string, dueAt: Date, point: string): string {
  return `${obligationId}:${dueAt.getTime()}:${point}`;
}

export async function scheduleWarningTimer(
  tx: Database,
  obligationId: string,
  dueAt: Date,
  point: WarningPoint,
  plan: WarningPlan,
): Promise<void> {
  const payload: WarningTimerPayload = {
    obligationId,
    point: point.point,
    label: point.label,
    dueAt: dueAt.toISOString(),
    overdueEveryHours: plan.overdueEveryHours,
  };
  await scheduleTimer(tx, { kind: WARNING_TIMER_KIND, key: warningTimerKey(obligationId, dueAt, point.point), dueAt: point.at, payload });
}

/**
 * Replaces an obligation's pending warning timers with those of its current due time. Points already
 * past are not replayed, except the latest one, which fires at once: a deadline that was set or moved
 * into its last stretch is announced immediately rather than silently.
 */
export async function rescheduleWarnings(tx: Database, obligation: BreachObligation, plan: WarningPlan, now: Date): Promise<void> {
  await cancelTimers(tx, WARNING_TIMER_KIND, `${obligation.id}:`);
  const dueAt = obligation.effectiveDueAt;
  if (!isActive(obligation) || !dueAt) return;
  const points = computeWarningPoints(obligation.clockStartedAt, dueAt, plan);
  if (!plan.atDeadline) points.push(overdueWarningPoint(dueAt, plan, 1));
  const past = points.filter((point) => point.at <= now);
  const chosen = [...past.slice(-1), ...points.filter((point) => point.at > now)];
  for (const point of chosen) await scheduleWarningTimer(tx, obligation.id, dueAt, point, plan);
}
