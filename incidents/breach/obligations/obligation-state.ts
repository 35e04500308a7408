import type { BreachObligation } from './schema/breach-obligations.ts';

export type ObligationState = 'assessing' | 'applicable' | 'not_applicable' | 'submitted' | 'late';

/** The state a person sees: an open obligation past its (effective) due time is late. */
export function obligationState(obligation: BreachObligation, now: Date): ObligationState {
  const open = obligation.status === 'assessing' || obligation.status === 'applicable';
  if (open && obligation.effectiveDueAt && obligation.effectiveDueAt <= now) return 'late';
  return obligation.status;
}

/** Whether it was (or is being) submitted after its effective due time. */
export function isLate(obligation: BreachObligation, now: Date): boolean {
  if (!obligation.effectiveDueAt) return false;
  if (obligation.status === 'submitted') return obligation.submittedAt !== null && obligation.submittedAt > obligation.effectiveDueAt;
  if (obligation.status === 'not_applicable') return false;
  return obligation.effectiveDueAt <= now;
}
