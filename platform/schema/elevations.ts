import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { ROLES } from '../auth/roles.ts';
import { users } from './users.ts';

/**
 * pending: asked, waiting for another admin; active: granted until ends_at; refused; withdrawn (by the
 * asker before a decision); ended (early, by the person or an admin); expired (reached ends_at).
 */
export const ELEVATION_STATUSES = ['pending', 'active', 'refused', 'withdrawn', 'ended', 'expired'] as const;
export type ElevationStatus = (typeof ELEVATION_STATUSES)[number];

/** Break-glass elevations: a person holds a higher role for a stated time, with a reason. */
export const elevations = pgTable(
  'elevations',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id),
    /** The person's name when they asked (announcements and the review read it without a join). */
    userName: text().notNull(),
    /** Their own role when they asked. */
    fromRole: text({ enum: ROLES }).notNull(),
    role: text({ enum: ROLES }).notNull(),
    reason: text().notNull(),
    minutes: integer().notNull(),
    status: text({ enum: ELEVATION_STATUSES }).notNull(),
    requestedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    decidedAt: timestamp({ withTimezone: true, precision: 3 }),
    decidedByName: text(),
    decidedByUserId: uuid(),
    decisionNote: text(),
    /** Granted at once under ELEVATION_SELF_APPROVE, without a second person. */
    selfApproved: boolean().notNull().default(false),
    startsAt: timestamp({ withTimezone: true, precision: 3 }),
    endsAt: timestamp({ withTimezone: true, precision: 3 }),
    endedAt: timestamp({ withTimezone: true, precision: 3 }),
    endedByName: text(),
  },
  (table) => [
    // One open elevation per person: a second request races here and loses with a conflict.
    uniqueIndex('elevations_one_open_idx').on(table.userId).where(sql`status in ('pending', 'active')`),
    // Serves the list and the access review's "elevations in the period", newest first.
    index('elevations_requested_at_idx').on(table.requestedAt),
  ],
);

export type Elevation = typeof elevations.$inferSelect;
