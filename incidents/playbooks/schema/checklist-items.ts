import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { PHASES } from '../../phases.ts';
import { incidents } from '../../schema/incidents.ts';

/**
 * An incident's exit checklists, copied from the playbooks when the incident opens (so a later
 * playbook edit does not rewrite a running incident's record), plus items added during it.
 */
export const checklistItems = pgTable(
  'checklist_items',
  {
    id: uuid().primaryKey().defaultRandom(),
    incidentId: uuid()
      .notNull()
      .references(() => incidents.id),
    phase: text({ enum: PHASES }).notNull(),
    position: integer().notNull(),
    text: text().notNull(),
    /** Where it came from: 'default', a service's name, or 'added'. */
    source: text().notNull(),
    completedAt: timestamp({ withTimezone: true, precision: 3 }),
    completedByName: text(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  // Serves an incident's checklist in phase and position order.
  (table) => [index('checklist_items_incident_idx').on(table.incidentId, table.phase, table.position)],
);

export type ChecklistItem = typeof checklistItems.$inferSelect;
