import { DateTime } from 'luxon';
import { addBusinessDays } from './business-days.ts';
import type {
  Anchor,
  Condition,
  DeadlineTerm,
  FactName,
  ObligationDefinition,
  RegimeDefinition,
  WarningPlan,
} from './regime-definition.ts';
import { DEFAULT_WARNING_PLAN, FACT_KINDS } from './regime-definition.ts';

export type Anchors = Partial<Record<Anchor, Date>>;
export type Facts = Partial<Record<FactName, unknown>>;

export interface WarningPoint {
  /** Stable name of the point within its schedule: "p50", "before-1h", "due". */
  point: string;
  label: string;
  at: Date;
}

export interface ObligationDeadline {
  key: string;
  /** null when the rule sets no fixed time, or no start of any of its terms is known yet. */
  dueAt: Date | null;
  /** When the clock that produced dueAt started (anchor or previous submission). */
  startedAt: Date | null;
  /** Which term set the due time, in words: "72 hours after awareAt". */
  basis: string | null;
  /** true / false when the conditions can be decided from the facts, null while a fact is unknown. */
  applicable: boolean | null;
  unmetCondition: string | null;
  warnings: WarningPoint[];
}

export interface DeadlineInput {
  anchors: Anchors;
  /** Submission times of the regime's obligations, by obligation key (chained reports start from them). */
  submissions?: Partial<Record<string, Date>>;
  facts?: Facts;
}

/** The moment `offset` after `start`, computed in the regime's time zone. */
export function applyOffset(start: Date, term: DeadlineTerm, regime: Pick<RegimeDefinition, 'timeZone' | 'businessCalendar'>): Date {
  const local = DateTime.fromJSDate(start, { zone: regime.timeZone });
  const { amount, unit } = term.offset;
  let due: DateTime;
  switch (unit) {
    // Elapsed hours: a day with a daylight-saving change still has its hours counted exactly.
    case 'hours':
      due = local.plus({ hours: amount });
      break;
    // Calendar days and months keep the local time of day across daylight-saving changes; months clamp to the month's end.
    case 'calendar_days':
      due = local.plus({ days: amount });
      break;
    case 'months':
      due = local.plus({ months: amount });
      break;
    // Business days end with the day: the deadline is the end of the last one, unless a time of day is given.
    case 'business_days':
      due = addBusinessDays(local, amount, regime.businessCalendar).endOf('day');
      break;
  }
  if (term.dueTimeOfDay) {
    const [hour, minute] = term.dueTimeOfDay.split(':').map(Number);
    due = due.set({ hour: hour ?? 0, minute: minute ?? 0, second: 0, millisecond: 0 });
  }
  return due.toJSDate();
}

export function describeTerm(term: DeadlineTerm): string {
  const unit = term.offset.unit.replace('_', ' ');
  const from = term.anchor ?? `submission of "${term.afterSubmissionOf}"`;
  return `${term.offset.amount} ${unit} after ${from}${term.dueTimeOfDay ? ` (at ${term.dueTimeOfDay} local time)` : ''}`;
}

function describeCondition(condition: Condition): string {
  if (condition.equals !== undefined) return `${condition.fact} = ${JSON.stringify(condition.equals)}`;
  if (condition.oneOf) return `${condition.fact} is one of ${condition.oneOf.join(', ')}`;
  if (condition.includesAny) return `${condition.fact} includes any of ${condition.includesAny.join(', ')}`;
  return `${condition.fact} ≥ ${String(condition.atLeast)}`;
}

function conditionHolds(condition: Condition, value: unknown): boolean {
  if (condition.equals !== undefined) return value === condition.equals;
  if (condition.oneOf) return typeof value === 'string' && condition.oneOf.includes(value);
  if (condition.includesAny) {
    const wanted = condition.includesAny.map((item) => item.toLowerCase());
    return Array.isArray(value) && value.some((item) => typeof item === 'string' && wanted.includes(item.toLowerCase()));
  }
  return typeof value === 'number' && condition.atLeast !== undefined && value >= condition.atLeast;
}

/** Whether the obligation's conditions hold: true, false (with the first unmet one), or null while a fact is unknown. */
export function evaluateConditions(obligation: ObligationDefinition, facts: Facts): { applicable: boolean | null; unmet: string | null } {
  let unknown = false;
  for (const condition of obligation.conditions) {
    const value = facts[condition.fact];
    if (value === undefined || value === null) {
      unknown = true;
      continue;
    }
    if (!conditionHolds(condition, value)) return { applicable: false, unmet: describeCondition(condition) };
  }
  return { applicable: unknown ? null : true, unmet: null };
}

/** Warning moments between the start of a clock and its due time (points before the start are left out). */
export function computeWarningPoints(startedAt: Date | null, dueAt: Date, plan: WarningPlan): WarningPoint[] {
  const points: WarningPoint[] = [];
  const due = dueAt.getTime();
  const start = startedAt?.getTime() ?? null;
  if (start !== null && start < due) {
    for (const percent of [...plan.percentOfTime].sort((a, b) => a - b)) {
      points.push({ point: `p${percent}`, label: `${percent}% of the time used`, at: new Date(start + ((due - start) * percent) / 100) });
    }
  }
  for (const hours of [...plan.hoursBefore].sort((a, b) => b - a)) {
    const at = due - hours * 3_600_000;
    if (start === null || at > start) points.push({ point: `before-${hours}h`, label: `${hours} h before the deadline`, at: new Date(at) });
  }
  if (plan.atDeadline) points.push({ point: 'due', label: 'deadline reached', at: new Date(due) });
  // Two points at the same moment would be two warnings saying the same thing.
  const seen = new Set<number>();
  return points
    .sort((a, b) => a.at.getTime() - b.at.getTime())
    .filter((point) => (seen.has(point.at.getTime()) ? false : (seen.add(point.at.getTime()), true)));
}

/** The warning that repeats once a deadline has passed: the nth (1-based) one. */
export function overdueWarningPoint(dueAt: Date, plan: WarningPlan, n: number): WarningPoint {
  return {
    point: `overdue-${n}`,
    label: `overdue by ${Math.round(plan.overdueEveryHours * n * 10) / 10} h`,
    at: new Date(dueAt.getTime() + plan.overdueEveryHours * n * 3_600_000),
  };
}

export function warningPlanOf(regime: RegimeDefinition, obligation: ObligationDefinition): WarningPlan {
  return obligation.warnings ?? regime.warnings ?? DEFAULT_WARNING_PLAN;
}

/**
 * The deadline engine: for each obligation of a regime, its due time and warning times from the anchor
 * moments, earlier submissions and facts. Pure: the incidents and the what-if endpoint both call it.
 */
export function computeDeadlines(regime: RegimeDefinition, input: DeadlineInput): ObligationDeadline[] {
  const facts = input.facts ?? {};
  return regime.obligations.map((obligation) => {
    const { applicable, unmet } = evaluateConditions(obligation, facts);
    let best: { dueAt: Date; startedAt: Date; basis: string } | null = null;
    for (const term of obligation.deadline?.earliestOf ?? []) {
      const startedAt = term.anchor
        ? input.anchors[term.anchor]
        : term.afterSubmissionOf
          ? input.submissions?.[term.afterSubmissionOf]
          : undefined;
      if (!startedAt) continue;
      const dueAt = applyOffset(startedAt, term, regime);
      if (!best || dueAt < best.dueAt) best = { dueAt, startedAt, basis: describeTerm(term) };
    }
    return {
      key: obligation.key,
      dueAt: best?.dueAt ?? null,
      startedAt: best?.startedAt ?? null,
      basis: best?.basis ?? (obligation.deadline ? null : (obligation.deadlineText ?? 'without undue delay')),
      applicable,
      unmetCondition: unmet,
      warnings: best ? computeWarningPoints(best.startedAt, best.dueAt, warningPlanOf(regime, obligation)) : [],
    };
  });
}

/** Checks that a fact value has the kind the fact holds; answers a message or null. */
export function factKindProblem(name: FactName, value: unknown): string | null {
  const kind = FACT_KINDS[name];
  if (value === null) return null;
  if (kind === 'boolean' && typeof value !== 'boolean') return `${name} must be true or false`;
  if (kind === 'number' && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) return `${name} must be a number ≥ 0`;
  if (kind === 'text' && typeof value !== 'string') return `${name} must be text`;
  if (kind === 'list' && !(Array.isArray(value) && value.every((item) => typeof item === 'string')))
    return `${name} must be a list of text`;
  return null;
}
