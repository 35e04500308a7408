import { boolean, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { StoredSnapshot } from '../stored-snapshot.ts';

/**
 * An incident's escalation along one route: the routing keys by level, the level paged last, and how
 * many escalations happened. The next escalation is a durable timer keyed by incident, route and count.
 */
export const incidentEscalations = pgTable(
  'incident_escalations',
  {
    incidentId: uuid().notNull(),
    /** The routing rule's id, or 'default' for the environment's route. */
    routeKey: text().notNull(),
    routingKeys: text().array().notNull(),
    level: integer().notNull().default(0),
    escalations: integer().notNull().default(0),
    /** Bumped at every (re)trigger, so that timers of an earlier round find themselves stale. */
    round: integer().notNull().default(1),
    escalateAfterSeconds: integer(),
    maxEscalations: integer().notNull().default(0),
    /** The snapshot messages about this incident are rendered from, refreshed on every change (read back checked). */
    incident: jsonb().$type<StoredSnapshot>().notNull(),
    stopped: boolean().notNull().default(false),
    /**
     * Why escalation is held, if it is: 'flapping' (every alert of the incident flaps: at most one
     * escalation per holdWindowSeconds) or 'inhibited' (every firing alert is inhibited: none until released).
     */
    holdReason: text({ enum: ['flapping', 'inhibited'] }),
    holdWindowSeconds: integer(),
    /** When the last escalation (beyond level 0) was paged: a flapping hold counts its window from it. */
    lastEscalatedAt: timestamp({ withTimezone: true, precision: 3 }),
    updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.incidentId, table.routeKey] })],
);

export type IncidentEscalation = typeof incidentEscalations.$inferSelect;
