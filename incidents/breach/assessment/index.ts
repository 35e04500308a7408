// The assessment room's surface: what other rooms and parts use of it.

export type { Assessment } from './current-assessment.ts';
export { currentAssessment } from './current-assessment.ts';
export { RecordFactsInput, recordBreachFacts } from './record-facts.ts';
