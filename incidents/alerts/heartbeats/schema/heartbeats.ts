import { integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { SEVERITIES } from '../../../../platform/index.ts';
import { incidents } from '../../../schema/incidents.ts';
import type { Matcher } from '../../matchers.ts';
import { ALERT_SOURCES } from '../../schema/alerts.ts';

export const HEARTBEAT_ORIGINS = ['api', 'file'] as const;

/**
 * Dead man's switches: an always-firing alert (kube-prometheus' Watchdog) that must keep arriving. A
 * delivery of an alert matching one is heard (last_heard_at); missed for interval + grace, it opens an
 * incident "alerting pipeline silent" (incident_id, cleared when it is heard again).
 */
export const heartbeats = pgTable('heartbeats', {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull().unique(),
  matchers: jsonb().$type<Matcher[]>().notNull(),
  /** Only deliveries from this path count (alertmanager: the webhook; prometheus: API v2); null: any. */
  source: text({ enum: ALERT_SOURCES }),
  intervalSeconds: integer().notNull(),
  graceSeconds: integer().notNull(),
  /** The severity of the incident a miss opens. */
  severity: text({ enum: SEVERITIES }).notNull(),
  /** file: from HEARTBEATS_FILE, changed only there. */
  origin: text({ enum: HEARTBEAT_ORIGINS }).notNull().default('api'),
  lastHeardAt: timestamp({ withTimezone: true, precision: 3 }),
  /** The open "alerting pipeline silent" incident of this heartbeat, while it is missed. */
  incidentId: uuid().references(() => incidents.id),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

export type Heartbeat = typeof heartbeats.$inferSelect;
