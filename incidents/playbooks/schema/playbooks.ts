import { integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { Phase } from '../../phases.ts';

/** Exit-checklist items per phase. */
export type PlaybookChecklists = Partial<Record<Phase, string[]>>;

/** The default playbook and one per service; an incident's checklists are the default's items plus its services'. */
export const playbooks = pgTable('playbooks', {
  /** 'default', or 'service:<name>'. */
  scope: text().primaryKey(),
  /** The service a per-service playbook applies to; null for the default. */
  service: text(),
  checklists: jsonb().$type<PlaybookChecklists>().notNull(),
  runbookUrl: text(),
  /** 'api' or 'file' (PLAYBOOKS_FILE), for "who set this". */
  source: text().notNull(),
  version: integer().notNull().default(1),
  updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  updatedByName: text().notNull(),
});

export type Playbook = typeof playbooks.$inferSelect;
