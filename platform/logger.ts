import type { Logger } from 'pino';
import { pino } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout; every line of a request carries its requestId. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'firebreak' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: ['token', 'password', '*.token', '*.password', 'authorization', '*.authorization'], censor: '[redacted]' },
  });
}
