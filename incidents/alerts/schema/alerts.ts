import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { SEVERITIES } from '../../../platform/index.ts';

/**
 * firing; resolved (its sender said so); expired (its sender stopped refreshing it and its endsAt
 * passed: Firebreak does not know whether it recovered, so it is not treated as a recovery).
 */
export const ALERT_STATUSES = ['firing', 'resolved', 'expired'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export const ALERT_SOURCES = ['alertmanager', 'prometheus', 'slo', 'api'] as const;
export type AlertSource = (typeof ALERT_SOURCES)[number];

/**
 * Why an inhibited alert was released: its source resolved, expired or is gone (removed by
 * retention), or no rule lets its source mute it any more (a rule was removed or changed).
 */
export const INHIBITION_RELEASE_CAUSES = ['resolved', 'expired', 'gone', 'rule removed'] as const;
export type InhibitionReleaseCause = (typeof INHIBITION_RELEASE_CAUSES)[number];

/** The release of an alert from inhibition: when (ISO 8601), from which source (its fingerprint), and why. */
export interface InhibitionRelease {
  at: string;
  source: string;
  cause: InhibitionReleaseCause;
}

/**
 * One row per alert identity (its Alertmanager fingerprint), holding its current firing episode.
 * Heartbeats refresh ends_at only; columns a heartbeat rewrites are deliberately left out of every
 * index, so that Postgres can update in place (HOT) without touching the indexes.
 */
export const alerts = pgTable(
  'alerts',
  {
    /** Creation order; also the cursor of alert lists. */
    id: bigserial({ mode: 'number' }).primaryKey(),
    fingerprint: text().notNull().unique(),
    labels: jsonb().$type<Record<string, string>>().notNull(),
    annotations: jsonb().$type<Record<string, string>>().notNull().default({}),
    severity: text({ enum: SEVERITIES }).notNull(),
    status: text({ enum: ALERT_STATUSES }).notNull(),
    /** Start of the current episode: the earliest startsAt any delivery of it carried. */
    startsAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    /** Active until then; null while a webhook alert fires (Alertmanager sends its resolution). */
    endsAt: timestamp({ withTimezone: true, precision: 3 }),
    /** endsAt came from the resolve timeout, not from the sender: a sender's own endsAt overrides it. */
    endsAtIsTimeout: boolean().notNull().default(false),
    generatorUrl: text(),
    source: text({ enum: ALERT_SOURCES }).notNull(),
    /** The correlation key: Alertmanager's groupKey, or the configured group_by labels. */
    groupKey: text().notNull(),
    /**
     * The incident it joined. Not a foreign key: its check ran once per inserted row (4.5 of 16 µs of
     * Postgres CPU per new alert); migration 0017 keeps the same guarantee once per statement
     * (firebreak_check_reference: the incidents named exist, and are locked FOR KEY SHARE as the key
     * check locks them), and refuses to delete an incident alerts still name.
     */
    incidentId: uuid(),
    /** The silence that muted this episode; a muted alert joins no incident and pages nobody. */
    silenceId: uuid(),
    /** The fingerprint of the firing alert that inhibited this episode (an inhibition rule); it joins no incident. */
    inhibitedBy: text(),
    /**
     * Its last release from inhibition (written by the expiry job's release pass, never by ingest); it
     * tells of the current episode when `at` is not before startsAt. The source is named by its
     * fingerprint, not its labels, so that an erasure of labels leaves nothing behind here.
     */
    inhibitionRelease: jsonb().$type<InhibitionRelease>(),
    /** When its sender resolved it; null while it fires and when it expired instead. */
    resolvedAt: timestamp({ withTimezone: true, precision: 3 }),
    /** When the expiry job marked it expired (its endsAt passed without a refresh); null unless expired. */
    expiredAt: timestamp({ withTimezone: true, precision: 3 }),
    /** State changes (fired, resolved, re-fired, expired) counted since flapWindowStart (ALERT_FLAP_WINDOW_SECONDS). */
    flapCount: integer().notNull().default(0),
    flapWindowStart: timestamp({ withTimezone: true, precision: 3 }),
    /** Its last state change: it settles when there was none for a whole flap window. */
    lastChangeAt: timestamp({ withTimezone: true, precision: 3 }),
    /** Set while it flaps (more than ALERT_FLAP_THRESHOLD changes in a window): its messages are held. */
    flappingSince: timestamp({ withTimezone: true, precision: 3 }),
    /** When its last message went out while flapping: at most one per window. */
    flapNotifiedAt: timestamp({ withTimezone: true, precision: 3 }),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [
    // Serves an incident's alerts (the incident page) and "does it still have firing alerts".
    index('alerts_incident_idx').on(table.incidentId, table.status),
    // Serves the expiry job ("firing alerts") without indexing ends_at, which heartbeats rewrite.
    index('alerts_firing_idx').on(table.id).where(sql`status = 'firing'`),
    // Serves retention (resolved alerts past ALERT_RETENTION_DAYS) and its oldest-row metric; a
    // heartbeat rewrites neither column, so in-place updates stay possible.
    index('alerts_resolved_idx').on(table.resolvedAt).where(sql`status = 'resolved'`),
    // The same for expired alerts, counted from their expiry; no write to a firing row changes expired_at.
    index('alerts_expired_idx').on(table.expiredAt).where(sql`status = 'expired'`),
    // Serves the settling of flapping alerts (the expiry job's tick); only flapping rows are in it.
    index('alerts_flapping_idx').on(table.lastChangeAt).where(sql`flapping_since is not null`),
    // Serves the release of inhibited alerts whose source stopped firing (the expiry job's tick); only
    // inhibited rows are in it, and inhibited_by changes only with a state change, never in a heartbeat.
    index('alerts_inhibited_idx').on(table.inhibitedBy).where(sql`inhibited_by is not null`),
    // No index on labels: a GIN index would double the cost of inserting an alert (measured: 26 µs of
    // 56 µs per row), and label filters of GET /api/alerts are checked on the rows the other filters
    // and the id order reach, as Alertmanager checks them on the alerts it holds.
  ],
);

export type Alert = typeof alerts.$inferSelect;
export type NewAlert = typeof alerts.$inferInsert;
