import { Counter, Gauge } from 'prom-client';
import type { Database } from '../database/index.ts';
import type { Logger } from '../logger.ts';
import type { Scheduler } from '../scheduler/scheduler.ts';
import { defineMetric, defineScrapeMetric, metricsRegistry } from '../telemetry/metrics.ts';
import type { RetentionClass, RetentionRule } from './retention-class.ts';

export const RETENTION_JOB = 'data-retention';
// Every ten minutes, at second 0 of minutes 5, 15, ...: away from the hourly jobs at minutes 7 and 17.
const SCHEDULE = '0 5-59/10 * * * *';
const DAY_MS = 86_400_000;

const deletedRows = defineMetric(
  'firebreak_data_retention_deleted_total',
  () =>
    new Counter({
      name: 'firebreak_data_retention_deleted_total',
      help: 'Rows deleted by the retention job because they were past their data class limit, by class.',
      labelNames: ['class'] as const,
      registers: [metricsRegistry],
    }),
);

// The classes are code (the same in every service of the process), so the scrape metric may list them
// from here; each scrape reads the scraped service's own database.
const knownClasses = new Map<string, RetentionClass>();

defineScrapeMetric(
  'firebreak_data_oldest_row_age_seconds',
  (source, registry) =>
    new Gauge({
      name: 'firebreak_data_oldest_row_age_seconds',
      help: 'Age of the oldest row of each data class under retention (0 when the class is empty); above its limit, retention is not keeping up.',
      labelNames: ['class'] as const,
      registers: [registry],
      async collect() {
        const now = Date.now();
        for (const retention of knownClasses.values()) {
          try {
            const oldest = await retention.oldestRowAt(source.db);
            this.set({ class: retention.name }, oldest ? Math.max(0, (now - oldest.getTime()) / 1000) : 0);
          } catch (error) {
            source.logger.warn({ err: error, class: retention.name }, 'could not read the oldest row of a data class for /metrics');
          }
        }
      },
    }),
);

export interface RetentionOptions {
  rules: readonly RetentionRule[];
  /** Rows a class deletes per transaction; the job goes on in new transactions until none are left. */
  batchSize: number;
  logger: Logger;
}

/**
 * Registers the one job that enforces every data class's limit: every ten minutes, on one replica at a
 * time, a batch of each class per transaction (each class in its own savepoint, so one failing class
 * holds up no other), again and again until nothing is past its limit.
 */
export function registerRetention(scheduler: Scheduler, options: RetentionOptions): void {
  for (const { retention } of options.rules) knownClasses.set(retention.name, retention);
  scheduler.every(RETENTION_JOB, SCHEDULE, (tx, now) => enforceRetention(tx, now, options));
}

/** One batch of every class; 'more' while some class still has a full batch to delete. */
export async function enforceRetention(tx: Database, now: Date, options: RetentionOptions): Promise<'more' | undefined> {
  let more = false;
  for (const { retention, days } of options.rules) {
    const cutoff = new Date(now.getTime() - days * DAY_MS);
    try {
      const deleted = await tx.transaction((savepoint) => retention.deleteBatch(savepoint, cutoff, options.batchSize, now));
      if (deleted === 0) continue;
      deletedRows.inc({ class: retention.name }, deleted);
      options.logger.info({ class: retention.name, deleted, retentionDays: days }, 'retention: rows past their limit deleted');
      more ||= deleted >= options.batchSize;
    } catch (error) {
      options.logger.error({ err: error, class: retention.name }, 'retention: a data class could not be pruned; will retry');
    }
  }
  return more ? 'more' : undefined;
}
