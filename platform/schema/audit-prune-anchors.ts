import { bigint, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Where the audit trail was cut by retention: entries 1..pruned_through were deleted, and the last of
 * them had `hash`. Signed with the audit key, so that verification can start at the oldest kept entry
 * (its previous_hash must be this hash) and nobody without the key can pass off a deleted prefix as
 * pruned. Append-only, like the trail; the audit_entries guard lets a DELETE through only up to here.
 */
export const auditPruneAnchors = pgTable('audit_prune_anchors', {
  prunedThrough: bigint({ mode: 'number' }).primaryKey(),
  hash: text().notNull(),
  /** How many entries this prune deleted. */
  entries: bigint({ mode: 'number' }).notNull(),
  at: timestamp({ withTimezone: true, precision: 3 }).notNull(),
  keyId: text().notNull(),
  signature: text().notNull(),
});

export type AuditPruneAnchor = typeof auditPruneAnchors.$inferSelect;
