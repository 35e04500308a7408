import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Durable timers: a row per thing that must happen at a time (a deadline warning, an escalation).
 * The scheduler claims due rows with FOR UPDATE SKIP LOCKED, so each fires once across replicas
 * and restarts; a timer missed during downtime fires at the next tick.
 */
export const timers = pgTable(
  'timers',
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Which handler runs it, e.g. 'breach.warning'. */
    kind: text().notNull(),
    /** Identity within the kind, so scheduling the same thing twice keeps one timer. */
    key: text().notNull(),
    dueAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    attempts: integer().notNull().default(0),
    lastError: text(),
    firedAt: timestamp({ withTimezone: true, precision: 3 }),
    cancelledAt: timestamp({ withTimezone: true, precision: 3 }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('timers_kind_key_idx').on(table.kind, table.key),
    // Serves the tick's "pending timers due by now, oldest first".
    index('timers_pending_due_idx').on(table.dueAt).where(sql`fired_at is null and cancelled_at is null`),
  ],
);

export type Timer = typeof timers.$inferSelect;
