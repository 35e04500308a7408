import { sql } from 'drizzle-orm';
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { incidents } from '../../schema/incidents.ts';

/** Who holds which role in an incident. A handover releases the old row and adds a new one; nothing is deleted. */
export const INCIDENT_ROLES = ['commander', 'deputy', 'scribe', 'communications', 'responder'] as const;
export type IncidentRole = (typeof INCIDENT_ROLES)[number];

/** Roles one person holds at a time; any number of responders. */
export const SINGLE_HOLDER_ROLES: readonly IncidentRole[] = ['commander', 'deputy', 'scribe', 'communications'];

export const incidentRoles = pgTable(
  'incident_roles',
  {
    id: uuid().primaryKey().defaultRandom(),
    incidentId: uuid()
      .notNull()
      .references(() => incidents.id),
    role: text({ enum: INCIDENT_ROLES }).notNull(),
    /** The Firebreak user, when the holder is one. */
    userId: uuid(),
    name: text().notNull(),
    assignedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    assignedByName: text().notNull(),
    releasedAt: timestamp({ withTimezone: true, precision: 3 }),
    releasedByName: text(),
  },
  (table) => [
    // The race guard behind "exactly one commander": a second concurrent holder fails to insert.
    uniqueIndex('incident_roles_single_holder_idx')
      .on(table.incidentId, table.role)
      .where(sql`released_at is null and role <> 'responder'`),
    // Serves "current roles of an incident".
    index('incident_roles_current_idx').on(table.incidentId).where(sql`released_at is null`),
  ],
);

export type IncidentRoleRow = typeof incidentRoles.$inferSelect;
