import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * A dashboard form that was refused, kept for the one page view after the redirect (Post/Redirect/Get)
 * so that the page shows it again with what was typed and why. One per session (by the SHA-256 of its
 * token, as sessions store it): the next refusal replaces it, reading it deletes it, and one older than
 * REFUSAL_TTL is neither shown nor kept.
 */
export const formRefusals = pgTable('form_refusals', {
  sessionTokenHash: text().primaryKey(),
  /** The page that shows the form again (a path), and which of its forms it was. */
  path: text().notNull(),
  form: text().notNull(),
  /** What was typed, field by field (never passwords). */
  values: jsonb().$type<Record<string, string>>().notNull(),
  message: text().notNull(),
  /** Messages for single fields, in plain words, by field name. */
  fieldErrors: jsonb().$type<Record<string, string>>().notNull(),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

export type FormRefusal = typeof formRefusals.$inferSelect;
