import { sql } from 'drizzle-orm';
import { bigint, doublePrecision, index, integer, pgTable, primaryKey, smallint, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Per-service, per-operation span counts in short windows. Each replica folds spans in memory and adds
 * its counts here once per window (INSERT ... ON CONFLICT adds), so several replicas share a row.
 */
export const serviceWindows = pgTable(
  'service_windows',
  {
    service: text().notNull(),
    spanName: text().notNull(),
    /** OTLP SpanKind number (0..5). */
    spanKind: smallint().notNull(),
    windowStart: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    windowSeconds: integer().notNull(),
    requests: bigint({ mode: 'number' }).notNull(),
    errors: bigint({ mode: 'number' }).notNull(),
    latencySumMs: doublePrecision().notNull(),
    /** Counts per LATENCY_BOUNDS_MS bucket, the last one unbounded. */
    latencyBuckets: bigint({ mode: 'number' }).array().notNull().default(sql`'{}'::bigint[]`),
  },
  (table) => [
    primaryKey({ columns: [table.service, table.spanName, table.spanKind, table.windowStart] }),
    // Serves SLO burn rates and /api/services: one service's windows over a time range.
    index('service_windows_service_time_idx').on(table.service, table.windowStart),
    // Serves the retention purge and the list of services seen recently.
    index('service_windows_time_idx').on(table.windowStart),
  ],
);

export type ServiceWindow = typeof serviceWindows.$inferSelect;
export type NewServiceWindow = typeof serviceWindows.$inferInsert;
