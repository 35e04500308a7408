import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, serial, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { SEVERITIES } from '../../platform/index.ts';
import { PHASES } from '../phases.ts';

export const INCIDENT_SOURCES = ['manual', 'alert', 'slo'] as const;

export const incidents = pgTable(
  'incidents',
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Shown as INC-<number>. */
    number: serial().notNull().unique(),
    title: text().notNull(),
    summary: text().notNull().default(''),
    severity: text({ enum: SEVERITIES }).notNull(),
    phase: text({ enum: PHASES }).notNull().default('preparation'),
    source: text({ enum: INCIDENT_SOURCES }).notNull(),
    /** The correlation key signals join by (alert group key, SLO id); null for declared incidents. */
    groupKey: text(),
    services: text().array().notNull().default(sql`'{}'::text[]`),
    labels: jsonb().$type<Record<string, string>>().notNull().default({}),
    /** Set once a breach assessment says personal data is involved. */
    isBreach: boolean().notNull().default(false),
    startedAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    detectedAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    acknowledgedAt: timestamp({ withTimezone: true, precision: 3 }),
    identifiedAt: timestamp({ withTimezone: true, precision: 3 }),
    containedAt: timestamp({ withTimezone: true, precision: 3 }),
    eradicatedAt: timestamp({ withTimezone: true, precision: 3 }),
    recoveredAt: timestamp({ withTimezone: true, precision: 3 }),
    /** When every alert had resolved or recovery ended, whichever came first; cleared when an alert re-fires. */
    resolvedAt: timestamp({ withTimezone: true, precision: 3 }),
    closedAt: timestamp({ withTimezone: true, precision: 3 }),
    /** Optimistic concurrency: every change increments it; a write naming an older version is a 409. */
    version: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [
    // Serves correlation: "the open incident with this group key".
    index('incidents_open_group_key_idx').on(table.groupKey).where(sql`closed_at is null`),
    // Serves the incident list, newest first, with cursor pagination: scanned backwards it gives
    // "created_at desc, id desc" (a DESC NULLS LAST index would not match ORDER BY ... DESC).
    index('incidents_created_idx').on(table.createdAt, table.id),
    // Serves open-incident counts by phase and severity.
    index('incidents_phase_severity_idx').on(table.phase, table.severity).where(sql`closed_at is null`),
  ],
);

export type Incident = typeof incidents.$inferSelect;
export type NewIncident = typeof incidents.$inferInsert;
