import { jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { Matcher } from '../matchers.ts';

export const INHIBIT_RULE_ORIGINS = ['api', 'file'] as const;
export type InhibitRuleOrigin = (typeof INHIBIT_RULE_ORIGINS)[number];

/**
 * Alertmanager's inhibition rules, as data: while a firing alert matches `sourceMatchers`, alerts
 * matching `targetMatchers` with the same values of the `equal` labels are muted. Few rows, read
 * whole by every ingest that correlates: no index beyond the key.
 */
export const inhibitRules = pgTable('inhibit_rules', {
  id: uuid().primaryKey().defaultRandom(),
  sourceMatchers: jsonb().$type<Matcher[]>().notNull(),
  targetMatchers: jsonb().$type<Matcher[]>().notNull(),
  equal: jsonb().$type<string[]>().notNull().default([]),
  comment: text().notNull().default(''),
  /** api: made through the API or the page; file: loaded from INHIBIT_RULES_FILE at start (replaced on each start). */
  origin: text({ enum: INHIBIT_RULE_ORIGINS }).notNull().default('api'),
  createdBy: text().notNull(),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

export type InhibitRule = typeof inhibitRules.$inferSelect;
