import { sql } from 'drizzle-orm';
import { boolean, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Which incidents go where: an incident matches a rule when its severity is among the rule's severities
 * (empty: any) and one of its services is among the rule's services (empty: any). Every matching rule
 * applies; with none matching, the defaults from the environment do.
 */
export const routingRules = pgTable('routing_rules', {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull().unique(),
  enabled: boolean().notNull().default(true),
  severities: text().array().notNull().default(sql`'{}'::text[]`),
  services: text().array().notNull().default(sql`'{}'::text[]`),
  /** Open a Slack channel per incident (inc-42-checkout-errors) with the summary message. */
  slackIncidentChannel: boolean().notNull().default(true),
  /** Slack user ids invited to the incident channel. */
  slackInvitees: text().array().notNull().default(sql`'{}'::text[]`),
  /** A channel (name or id) where new incidents are announced. */
  slackBroadcastChannel: text(),
  /** PagerDuty Events API v2 routing key paged first; null: this rule does not page. */
  pagerdutyRoutingKey: text(),
  /** Routing keys of the next escalation levels, in order. */
  escalationRoutingKeys: text().array().notNull().default(sql`'{}'::text[]`),
  /** Unacknowledged for this long after a page: page the next level. Null: never escalate. */
  escalateAfterSeconds: integer(),
  /** How many escalations at most (the last level is paged again once the levels run out). */
  maxEscalations: integer().notNull().default(0),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

export type RoutingRule = typeof routingRules.$inferSelect;
