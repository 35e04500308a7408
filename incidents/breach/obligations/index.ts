// The obligations room's surface: what other rooms and parts use of it.
export { ApplyRegimeInput, applyDefaultRegimes, applyRegime, WithdrawRegimeInput, withdrawRegime } from './apply-regime.ts';
export { decideNotApplicable, NotApplicableInput } from './decide-not-applicable.ts';
export { fireDeadlineWarning } from './fire-deadline-warning.ts';
export { lockObligation } from './lock-obligation.ts';
export { isLate, obligationState } from './obligation-state.ts';
export { hasOpenObligation, openObligations } from './open-obligations.ts';
export { recomputeObligations } from './recompute-obligations.ts';
export { DelayReasonInput, recordDelayReason } from './record-delay-reason.ts';
export { isActive, WARNING_TIMER_KIND } from './schedule-warnings.ts';
export { breachIncidentRegimes } from './schema/breach-incident-regimes.ts';
export type { BreachObligation } from './schema/breach-obligations.ts';
export { breachObligations } from './schema/breach-obligations.ts';
export { breachWarnings } from './schema/breach-warnings.ts';
export { startIdentificationClocks } from './start-identification-clocks.ts';
export { markSubmitted, SubmitObligationInput, submitObligation } from './submit-obligation.ts';
export { SuspendObligationInput, suspendObligation } from './suspend-obligation.ts';
