export type { RedactionRule } from './builtin-rules.ts';
export { RedactionRulesError } from './load-redaction-rules.ts';
export type { RedactableValue, RedactionSource } from './redactor.ts';
export { Redactor, redactorFrom } from './redactor.ts';
export { isLuhnCardNumber, isValidSocialSecurityNumber } from './sensitive-numbers.ts';
