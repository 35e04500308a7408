import type { Config } from '../config.ts';
import { MINIMUM_RECORD_RETENTION_DAYS } from '../config.ts';
import type { Logger } from '../logger.ts';

const RECORD_CLASSES = [
  ['AUDIT_RETENTION_DAYS', 'audit entries'],
  ['BREACH_RETENTION_DAYS', 'breach records (assessments, obligations, notices and their recipients)'],
] as const;

/**
 * Warns at start-up, once per setting, when the audit trail or breach records are kept for less than
 * three years: allowed, because an operator may have a reason, but never unnoticed.
 */
export function warnAboutShortRetention(config: Pick<Config, 'AUDIT_RETENTION_DAYS' | 'BREACH_RETENTION_DAYS'>, logger: Logger): string[] {
  const warnings: string[] = [];
  for (const [variable, what] of RECORD_CLASSES) {
    const days = config[variable];
    if (days >= MINIMUM_RECORD_RETENTION_DAYS) continue;
    const message = `WARNING: ${variable}=${days} is below the three years (${MINIMUM_RECORD_RETENTION_DAYS} days) that audits and regulators expect: ${what} older than ${days} days WILL BE DELETED for good. Unset ${variable} to keep them ${MINIMUM_RECORD_RETENTION_DAYS} days.`;
    logger.warn({ variable, days, minimumDays: MINIMUM_RECORD_RETENTION_DAYS }, message);
    warnings.push(message);
  }
  return warnings;
}
