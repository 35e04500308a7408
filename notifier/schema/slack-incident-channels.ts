import { sql } from 'drizzle-orm';
import { jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** The Slack side of an incident: its channel and the summary message kept current with chat.update. */
export const slackIncidentChannels = pgTable('slack_incident_channels', {
  incidentId: uuid().primaryKey(),
  channelId: text(),
  channelName: text(),
  summaryTs: text(),
  /** Slack user ids already invited to the channel. */
  invited: text().array().notNull().default(sql`'{}'::text[]`),
  /** Announcements in broadcast channels (by configured name: channel id and ts), also kept current. */
  broadcasts: jsonb().$type<Record<string, { channel: string; ts: string }>>().notNull().default({}),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

export type SlackIncidentChannel = typeof slackIncidentChannels.$inferSelect;
