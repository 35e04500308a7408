import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { incidents } from '../../schema/incidents.ts';

export const ACTION_ITEM_STATUSES = ['open', 'in_progress', 'done', 'cancelled'] as const;
export type ActionItemStatus = (typeof ACTION_ITEM_STATUSES)[number];

/** Follow-up work from an RCA, with an owner and a due date; overdue ones are reminded by timer. */
export const actionItems = pgTable(
  'action_items',
  {
    id: uuid().primaryKey().defaultRandom(),
    incidentId: uuid()
      .notNull()
      .references(() => incidents.id),
    title: text().notNull(),
    description: text().notNull().default(''),
    ownerName: text().notNull(),
    ownerUserId: uuid(),
    dueAt: timestamp({ withTimezone: true, precision: 3 }),
    status: text({ enum: ACTION_ITEM_STATUSES }).notNull().default('open'),
    remindersSent: integer().notNull().default(0),
    version: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    createdByName: text().notNull(),
    updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    completedAt: timestamp({ withTimezone: true, precision: 3 }),
  },
  (table) => [
    // Serves an incident's action items.
    index('action_items_incident_idx').on(table.incidentId, table.createdAt),
    // Serves "overdue action items" across incidents.
    index('action_items_pending_due_idx').on(table.dueAt).where(sql`status in ('open', 'in_progress')`),
  ],
);

export type ActionItem = typeof actionItems.$inferSelect;
