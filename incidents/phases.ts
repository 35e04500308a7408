/** The six phases of the incident-response plan, in order. */
export const PHASES = ['preparation', 'identification', 'containment', 'eradication', 'recovery', 'root_cause_analysis'] as const;
export type Phase = (typeof PHASES)[number];

export function phaseIndex(phase: Phase): number {
  return PHASES.indexOf(phase);
}
