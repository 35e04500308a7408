/**
 * Multi-window, multi-burn-rate alerting (Google SRE Workbook, "Alerting on SLOs", table 5-8): an SLO
 * pages when it burns its budget 14.4x as fast as allowed over both 1 h and 5 min (2% of a 30-day
 * budget in an hour), or 6x over both 6 h and 30 min (5% in six hours); it opens a ticket at 1x over
 * both 3 days and 6 hours (10% in three days). The short window makes an alert stop soon after the
 * burn does; the long one keeps brief spikes from alerting.
 */
export const BURN_WINDOWS = {
  '5m': 5 * 60,
  '30m': 30 * 60,
  '1h': 60 * 60,
  '6h': 6 * 60 * 60,
  '3d': 3 * 24 * 60 * 60,
} as const;
export type BurnWindow = keyof typeof BURN_WINDOWS;

export interface BurnRule {
  severity: 'page' | 'ticket';
  longWindow: BurnWindow;
  shortWindow: BurnWindow;
  burnRate: number;
}

export const BURN_RULES: readonly BurnRule[] = [
  { severity: 'page', longWindow: '1h', shortWindow: '5m', burnRate: 14.4 },
  { severity: 'page', longWindow: '6h', shortWindow: '30m', burnRate: 6 },
  { severity: 'ticket', longWindow: '3d', shortWindow: '6h', burnRate: 1 },
];

export type BurnRates = Record<BurnWindow, number>;

/** Burn rate: the fraction of bad events divided by the fraction the objective allows. */
export function burnRate(bad: number, total: number, objective: number): number {
  if (total <= 0) return 0;
  return bad / total / (1 - objective);
}

/** The rules that fire for these burn rates. */
export function firingRules(rates: BurnRates): BurnRule[] {
  return BURN_RULES.filter((rule) => rates[rule.longWindow] > rule.burnRate && rates[rule.shortWindow] > rule.burnRate);
}
