import { boolean, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { incidents } from '../../../schema/incidents.ts';
import type { RegimeDefinition } from '../../regimes/index.ts';

/**
 * A regime applied to an incident, with a copy of its definition as it was then: editing a regime
 * later does not silently move the deadlines of a breach already under way.
 */
export const breachIncidentRegimes = pgTable(
  'breach_incident_regimes',
  {
    id: uuid().primaryKey().defaultRandom(),
    incidentId: uuid()
      .notNull()
      .references(() => incidents.id),
    regimeId: text().notNull(),
    definition: jsonb().$type<RegimeDefinition>().notNull(),
    appliedBy: text().notNull(),
    appliedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    /** Applied by BREACH_DEFAULT_REGIMES when the incident became a breach, not by a person's choice. */
    automatic: boolean().notNull().default(false),
    /** Withdrawn for this incident (with a person's reason): its open obligations no longer apply. */
    withdrawnAt: timestamp({ withTimezone: true, precision: 3 }),
    withdrawnBy: text(),
    withdrawalReason: text(),
  },
  (table) => [uniqueIndex('breach_incident_regimes_incident_regime_idx').on(table.incidentId, table.regimeId)],
);

export type BreachIncidentRegime = typeof breachIncidentRegimes.$inferSelect;
