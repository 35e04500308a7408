import { doublePrecision, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const SLO_INDICATORS = ['availability', 'latency'] as const;
export const SLO_SOURCES = ['api', 'file'] as const;
export const SLO_SPAN_KINDS = ['server', 'consumer', 'client', 'producer', 'internal', 'any'] as const;

/** Burn rates of the last evaluation, by window ('5m', '30m', '1h', '6h', '3d'). */
export type BurnRates = Record<string, number>;

/** Service level objectives over the spans of a service, and the burn state of the last evaluation. */
export const slos = pgTable(
  'slos',
  {
    id: uuid().primaryKey().defaultRandom(),
    service: text().notNull(),
    name: text().notNull(),
    indicator: text({ enum: SLO_INDICATORS }).notNull(),
    /** The target fraction of good events, e.g. 0.999. */
    objective: doublePrecision().notNull(),
    /** Latency SLOs: a request slower than this is bad (one of the histogram bounds). */
    thresholdMs: doublePrecision(),
    /** Which spans are the service's requests. */
    spanKind: text({ enum: SLO_SPAN_KINDS }).notNull().default('server'),
    /** Only spans with this name (an operation), or all of the service's spans of that kind. */
    operation: text(),
    description: text().notNull().default(''),
    source: text({ enum: SLO_SOURCES }).notNull(),
    pageBurningSince: timestamp({ withTimezone: true, precision: 3 }),
    ticketBurningSince: timestamp({ withTimezone: true, precision: 3 }),
    lastEvaluatedAt: timestamp({ withTimezone: true, precision: 3 }),
    lastBurnRates: jsonb().$type<BurnRates>().notNull().default({}),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  // One objective per name per service; also serves lookups by service.
  (table) => [uniqueIndex('slos_service_name_idx').on(table.service, table.name)],
);

export type Slo = typeof slos.$inferSelect;
export type NewSlo = typeof slos.$inferInsert;
