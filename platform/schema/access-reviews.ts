import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Access reviews done: who looked at who has access, when, over which period, and what they noted. */
export const accessReviews = pgTable(
  'access_reviews',
  {
    id: uuid().primaryKey().defaultRandom(),
    reviewedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    reviewerUserId: uuid(),
    reviewerName: text().notNull(),
    /** The start of the period the review covered (its end is reviewed_at). */
    periodSince: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    notes: text().notNull(),
  },
  // Serves "the last review" (the next due date counts from it).
  (table) => [index('access_reviews_reviewed_at_idx').on(table.reviewedAt)],
);

export type AccessReview = typeof accessReviews.$inferSelect;
