import { bigserial, boolean, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { breachObligations } from './breach-obligations.ts';

/** Each deadline warning that went out; the unique index is the last guard against a second one. */
export const breachWarnings = pgTable(
  'breach_warnings',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    obligationId: uuid()
      .notNull()
      .references(() => breachObligations.id),
    /** "p50", "before-1h", "due", "overdue-3" */
    point: text().notNull(),
    /** The effective due time the warning was about (a moved deadline gets its own warnings). */
    dueAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    scheduledFor: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    /** The scheduler's time of firing. */
    firedAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    overdue: boolean().notNull(),
    recordedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('breach_warnings_once_idx').on(table.obligationId, table.dueAt, table.point)],
);

export type BreachWarning = typeof breachWarnings.$inferSelect;
