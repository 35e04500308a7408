import { pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** Slack messages already turned into timeline notes, so a retried event or a second pin adds none. */
export const slackPinnedMessages = pgTable(
  'slack_pinned_messages',
  {
    channelId: text().notNull(),
    messageTs: text().notNull(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.channelId, table.messageTs] })],
);
