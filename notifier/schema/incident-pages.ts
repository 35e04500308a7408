import { pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Every PagerDuty alert an incident has triggered, so that acknowledge and resolve reach each one. */
export const incidentPages = pgTable(
  'incident_pages',
  {
    incidentId: uuid().notNull(),
    dedupKey: text().notNull(),
    routingKey: text().notNull(),
    triggeredAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    resolvedAt: timestamp({ withTimezone: true, precision: 3 }),
  },
  (table) => [primaryKey({ columns: [table.dedupKey, table.routingKey] })],
);

export type IncidentPage = typeof incidentPages.$inferSelect;
