import { bigserial, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Failed dashboard logins, kept a day: they rate-limit guessing from one address across replicas. */
export const loginFailures = pgTable(
  'login_failures',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    email: text().notNull(),
    sourceAddress: text().notNull(),
    /** 'password' or 'totp'. */
    step: text().notNull(),
    at: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  // Serves "failures from this address in the last window".
  (table) => [index('login_failures_source_idx').on(table.sourceAddress, table.at)],
);
