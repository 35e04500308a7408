import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { incidents } from '../../../schema/incidents.ts';

/**
 * The breach assessment of an incident as dated facts with their author. Append-only: a correction is a
 * new row, and the current assessment is the latest row per name.
 */
export const breachFacts = pgTable(
  'breach_facts',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    incidentId: uuid()
      .notNull()
      .references(() => incidents.id),
    /** An assessment fact ("peopleAffected") or an anchor moment ("awareAt"). */
    name: text().notNull(),
    /** The value; anchors hold an ISO-8601 time; null withdraws an earlier value. */
    value: jsonb().$type<unknown>(),
    note: text(),
    actorType: text().notNull(),
    actorId: text().notNull(),
    actorName: text().notNull(),
    recordedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  // Serves "the facts of one incident in the order they were recorded".
  (table) => [index('breach_facts_incident_idx').on(table.incidentId, table.id)],
);

export type BreachFact = typeof breachFacts.$inferSelect;
