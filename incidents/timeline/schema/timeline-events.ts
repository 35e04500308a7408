import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { incidents } from '../../schema/incidents.ts';

/** The append-only timeline of an incident; nothing updates or deletes a row. */
export const timelineEvents = pgTable(
  'timeline_events',
  {
    /** Global order of appends; also the cursor of timeline pages. */
    id: bigserial({ mode: 'number' }).primaryKey(),
    incidentId: uuid()
      .notNull()
      .references(() => incidents.id),
    /** e.g. 'incident.opened', 'alert.fired', 'phase.changed', 'note.added'. */
    type: text().notNull(),
    actorType: text().notNull(),
    actorId: text().notNull(),
    actorName: text().notNull(),
    /** When it happened (an alert's startsAt), which may be before it was recorded. */
    occurredAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    recordedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    data: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  },
  // Serves the timeline of one incident in order, and its cursor pages.
  (table) => [index('timeline_events_incident_idx').on(table.incidentId, table.id)],
);

export type TimelineEvent = typeof timelineEvents.$inferSelect;
