import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { RegimeDefinition } from '../regime-definition.ts';

export const REGIME_SOURCES = ['api', 'file'] as const;

/** Regimes operators define (through the API or the regimes file); the built-in ones live in code. */
export const breachRegimes = pgTable('breach_regimes', {
  id: text().primaryKey(),
  definition: jsonb().$type<RegimeDefinition>().notNull(),
  source: text({ enum: REGIME_SOURCES }).notNull(),
  updatedBy: text().notNull(),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

export type BreachRegimeRow = typeof breachRegimes.$inferSelect;
