import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { incidents } from '../../../schema/incidents.ts';
import { breachIncidentRegimes } from './breach-incident-regimes.ts';

/** Stored states; "late" is derived (an open obligation past its effective due time, or submitted after it). */
export const OBLIGATION_STATUSES = ['assessing', 'applicable', 'not_applicable', 'submitted'] as const;
export type ObligationStatus = (typeof OBLIGATION_STATUSES)[number];

/** One obligation of an applied regime for one incident: its state, due time and submission. */
export const breachObligations = pgTable(
  'breach_obligations',
  {
    id: uuid().primaryKey().defaultRandom(),
    incidentId: uuid()
      .notNull()
      .references(() => incidents.id),
    incidentRegimeId: uuid()
      .notNull()
      .references(() => breachIncidentRegimes.id),
    regimeId: text().notNull(),
    key: text().notNull(),
    title: text().notNull(),
    recipient: text().notNull(),
    status: text({ enum: OBLIGATION_STATUSES }).notNull(),
    /** Why it does not apply: a person's reason, or the unmet condition. */
    notApplicableReason: text(),
    /** Set when a person (not a condition) decided that it does not apply. */
    notApplicableBy: text(),
    /** The engine's due time; null for "without undue delay" or while its anchor is unknown. */
    dueAt: timestamp({ withTimezone: true, precision: 3 }),
    /** When the clock started (anchor or previous submission), for percentage warnings. */
    clockStartedAt: timestamp({ withTimezone: true, precision: 3 }),
    basis: text(),
    /** The due time after any sanctioned suspension: what warnings and lateness are measured against. */
    effectiveDueAt: timestamp({ withTimezone: true, precision: 3 }),
    suspendedUntil: timestamp({ withTimezone: true, precision: 3 }),
    suspensionReason: text(),
    suspensionGrantedBy: text(),
    suspensionRecordedBy: text(),
    submittedAt: timestamp({ withTimezone: true, precision: 3 }),
    submittedVia: text(),
    submissionReference: text(),
    submittedBy: text(),
    /** Why a submission was recorded by hand (sent outside Firebreak), in the person's words. */
    submissionNote: text(),
    delayReason: text(),
    version: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('breach_obligations_regime_key_idx').on(table.incidentRegimeId, table.key),
    // Serves the obligations of one incident (breach panel, recomputation).
    index('breach_obligations_incident_idx').on(table.incidentId),
    // Serves the compliance report and the open-obligation counts.
    index('breach_obligations_open_due_idx').on(table.effectiveDueAt).where(sql`status in ('assessing', 'applicable')`),
  ],
);

export type BreachObligation = typeof breachObligations.$inferSelect;
