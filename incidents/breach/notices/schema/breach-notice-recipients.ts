import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { breachNotices } from './breach-notices.ts';

/** One addressee of a notice, with the unguessable token of their public notice page. */
export const breachNoticeRecipients = pgTable(
  'breach_notice_recipients',
  {
    id: uuid().primaryKey().defaultRandom(),
    noticeId: uuid()
      .notNull()
      .references(() => breachNotices.id),
    name: text().notNull(),
    email: text(),
    /** 256 random bits, base64url: the only key to the public page. */
    publicToken: text().notNull(),
    /** The outbox idempotency key of the e-mail, once sent. */
    messageKey: text(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [
    // Serves GET /notices/{token}.
    uniqueIndex('breach_notice_recipients_token_idx').on(table.publicToken),
    // Serves the recipients of one notice.
    index('breach_notice_recipients_notice_idx').on(table.noticeId),
  ],
);

export type BreachNoticeRecipient = typeof breachNoticeRecipients.$inferSelect;
