import { integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { incidents } from '../../schema/incidents.ts';

export const RCA_STATUSES = ['draft', 'approved'] as const;
export type RcaStatus = (typeof RCA_STATUSES)[number];

export interface FiveWhy {
  question: string;
  answer: string;
}

/** One root-cause analysis per incident. */
export const rootCauseAnalyses = pgTable('root_cause_analyses', {
  incidentId: uuid()
    .primaryKey()
    .references(() => incidents.id),
  status: text({ enum: RCA_STATUSES }).notNull().default('draft'),
  summary: text().notNull().default(''),
  impact: text().notNull().default(''),
  timelineExcerpt: text().notNull().default(''),
  rootCauses: jsonb().$type<string[]>().notNull().default([]),
  contributingFactors: jsonb().$type<string[]>().notNull().default([]),
  fiveWhys: jsonb().$type<FiveWhy[]>().notNull().default([]),
  lessonsLearned: text().notNull().default(''),
  authorKey: text().notNull(),
  authorName: text().notNull(),
  /** Actor keys of everyone who wrote any of it: none of them may approve it. */
  contributorKeys: jsonb().$type<string[]>().notNull().default([]),
  version: integer().notNull().default(1),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  approvedAt: timestamp({ withTimezone: true, precision: 3 }),
  approvedByKey: text(),
  approvedByName: text(),
});

export type RootCauseAnalysis = typeof rootCauseAnalyses.$inferSelect;
