// The regimes room's surface: what other rooms and parts use of it.
export { BUILT_IN_REGIMES } from './built-in-regimes.ts';
export type { Anchors, Facts, WarningPoint } from './compute-deadlines.ts';
export { computeDeadlines, computeWarningPoints, overdueWarningPoint, warningPlanOf } from './compute-deadlines.ts';
export { createRegime, deleteRegime, updateRegime } from './define-regime.ts';
export { EvaluateInput, evaluateRegime, localIso } from './evaluate-regime.ts';
export { loadRegimesFile } from './load-regimes-file.ts';
export type { CatalogRegime } from './regime-catalog.ts';
export { getRegime, listRegimes } from './regime-catalog.ts';
export type { Anchor, FactName } from './regime-definition.ts';
export { ANCHORS, FACT_NAMES, NOTICE_SECTIONS, NoticeTemplate, RegimeDefinition, WarningPlan } from './regime-definition.ts';
