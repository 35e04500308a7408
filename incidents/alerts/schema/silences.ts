import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { Matcher } from '../matchers.ts';

/** Maintenance windows: alerts matching every matcher between startsAt and endsAt are muted. */
export const silences = pgTable(
  'silences',
  {
    id: uuid().primaryKey().defaultRandom(),
    matchers: jsonb().$type<Matcher[]>().notNull(),
    startsAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    /** Expiring a silence sets this to the moment of expiry, as Alertmanager does. */
    endsAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    createdBy: text().notNull(),
    comment: text().notNull(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  // Serves "silences in force now" on every ingest that correlates, and the list newest first.
  (table) => [index('silences_ends_idx').on(table.endsAt)],
);

export type Silence = typeof silences.$inferSelect;
