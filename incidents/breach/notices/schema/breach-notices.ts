import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { incidents } from '../../../schema/incidents.ts';
import { breachObligations } from '../../obligations/index.ts';

export const NOTICE_STATUSES = ['draft', 'approved', 'sent'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

export interface NoticeSectionContent {
  key: string;
  heading: string;
  body: string;
}

/** A breach notice for an obligation: drafted, approved by a second person, then sent to its recipients. */
export const breachNotices = pgTable(
  'breach_notices',
  {
    id: uuid().primaryKey().defaultRandom(),
    incidentId: uuid()
      .notNull()
      .references(() => incidents.id),
    obligationId: uuid()
      .notNull()
      .references(() => breachObligations.id),
    language: text().notNull(),
    subject: text().notNull(),
    greeting: text().notNull(),
    sections: jsonb().$type<NoticeSectionContent[]>().notNull(),
    status: text({ enum: NOTICE_STATUSES }).notNull().default('draft'),
    /** Person keys (user id, else token) of who wrote it: none of them may approve it. */
    authorKeys: text().array().notNull(),
    draftedBy: text().notNull(),
    approvedByKey: text(),
    approvedBy: text(),
    approvedAt: timestamp({ withTimezone: true, precision: 3 }),
    sentBy: text(),
    sentAt: timestamp({ withTimezone: true, precision: 3 }),
    version: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  // Serves the notices of one incident (breach panel).
  (table) => [index('breach_notices_incident_idx').on(table.incidentId)],
);

export type BreachNotice = typeof breachNotices.$inferSelect;
