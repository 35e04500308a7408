import { doublePrecision, index, integer, jsonb, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { AttributeValue } from '../trace-batch.ts';

/** Evidence: error spans (with their exception), bounded per service per minute. Other spans are not stored. */
export const errorSpans = pgTable(
  'error_spans',
  {
    id: uuid().primaryKey().defaultRandom(),
    traceId: text().notNull(),
    spanId: text().notNull(),
    parentSpanId: text(),
    service: text().notNull(),
    spanName: text().notNull(),
    spanKind: smallint().notNull(),
    startedAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    durationMs: doublePrecision().notNull(),
    statusCode: smallint().notNull(),
    statusMessage: text().notNull().default(''),
    httpStatus: integer(),
    exceptionType: text(),
    exceptionMessage: text(),
    /** Cut to a few kilobytes: enough to see where it failed. */
    exceptionStacktrace: text(),
    attributes: jsonb().$type<Record<string, AttributeValue>>().notNull().default({}),
    /** The resource attributes that say where the span ran (host, pod, version...). */
    resource: jsonb().$type<Record<string, string>>().notNull().default({}),
    receivedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [
    // A span retried by an exporter is stored once.
    uniqueIndex('error_spans_trace_span_idx').on(table.traceId, table.spanId),
    // Serves an incident's traces: its services over its time range.
    index('error_spans_service_time_idx').on(table.service, table.startedAt),
    // Serves the retention purge.
    index('error_spans_received_idx').on(table.receivedAt),
  ],
);

export type ErrorSpan = typeof errorSpans.$inferSelect;
export type NewErrorSpan = typeof errorSpans.$inferInsert;
