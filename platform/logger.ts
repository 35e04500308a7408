import type { Logger } from 'pino';
import { pino } from 'pino';
import { PinoPretty } from 'pino-pretty';

export type { Logger };

/** `auto`: readable lines on a terminal, JSON lines otherwise (a container, a file, a log shipper). */
export const LOG_FORMATS = ['auto', 'pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Whether a logger of this format writes readable lines to this process's stdout. */
export function isPrettyLogFormat(format: LogFormat, stdout: { isTTY?: boolean } = process.stdout): boolean {
  return format === 'pretty' || (format === 'auto' && stdout.isTTY === true);
}

const REDACT = { paths: ['token', 'password', '*.token', '*.password', 'authorization', '*.authorization'], censor: '[redacted]' };

/** Logs on stdout, every line of a request with its requestId: JSON lines, or readable ones (see LogFormat). */
export function createLogger(level: string, format: LogFormat = 'json'): Logger {
  if (isPrettyLogFormat(format)) {
    const stream = PinoPretty({
      colorize: process.stdout.isTTY === true,
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname,service',
      singleLine: true,
      sync: true,
    });
    return pino({ level, base: { service: 'firebreak' }, redact: REDACT }, stream);
  }
  return pino({
    level,
    base: { service: 'firebreak' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: REDACT,
  });
}
