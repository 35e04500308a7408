import { bigint, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The tamper-evident audit trail. Each entry's hash covers its content and the previous entry's hash,
 * so a changed, removed or reordered entry breaks the chain. Appends are serialized by an advisory lock;
 * a trigger (see guards.ts) refuses UPDATE, DELETE and TRUNCATE.
 */
export const auditEntries = pgTable(
  'audit_entries',
  {
    /** 1, 2, 3, ... with no gaps: a gap means an entry was removed. */
    position: bigint({ mode: 'number' }).primaryKey(),
    at: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    actorType: text().notNull(),
    actorId: text().notNull(),
    actorName: text().notNull(),
    action: text().notNull(),
    targetType: text().notNull(),
    targetId: text(),
    requestId: text(),
    sourceAddress: text(),
    details: jsonb().$type<Record<string, unknown>>().notNull(),
    previousHash: text().notNull(),
    hash: text().notNull(),
  },
  // Serves the audit page's filters by target and by actor.
  (table) => [index('audit_entries_target_idx').on(table.targetType, table.targetId), index('audit_entries_actor_idx').on(table.actorId)],
);

export type AuditEntry = typeof auditEntries.$inferSelect;
