/** The six phases of the incident-response plan, in order. */
export const PHASES = ['preparation', 'identification', 'containment', 'eradication', 'recovery', 'root_cause_analysis'] as const;
export type Phase = (typeof PHASES)[number];

export const SEVERITIES = ['sev1', 'sev2', 'sev3', 'sev4'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** sev1 is the most severe; a lower rank is worse. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export function phaseIndex(phase: Phase): number {
  return PHASES.indexOf(phase);
}
