import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const BACKUP_KINDS = ['scheduled', 'manual'] as const;
export type BackupKind = (typeof BACKUP_KINDS)[number];
export const BACKUP_STATES = ['running', 'verified', 'failed'] as const;
export type BackupState = (typeof BACKUP_STATES)[number];

/**
 * The backups written into BACKUP_DIR, one row each: the schedule reads when the last one started
 * (so it survives restarts), the admin page and /readyz show their state. Backups themselves leave
 * this table out: it describes files on this machine's disk, not the install's data.
 */
export const backups = pgTable(
  'backups',
  {
    id: uuid().primaryKey().defaultRandom(),
    kind: text({ enum: BACKUP_KINDS }).notNull(),
    state: text({ enum: BACKUP_STATES }).notNull().default('running'),
    /** The file's name inside BACKUP_DIR. */
    fileName: text().notNull(),
    startedAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    finishedAt: timestamp({ withTimezone: true, precision: 3 }),
    bytes: bigint({ mode: 'number' }),
    rows: bigint({ mode: 'number' }),
    tables: integer(),
    /** Why it failed, for the admin page. */
    error: text(),
    /** Who asked for a manual one (actor name); null for scheduled ones. */
    requestedBy: text(),
  },
  (table) => [
    // One backup of each kind at a time across replicas: a second claim fails on this index.
    uniqueIndex('backups_one_running_idx').on(table.kind).where(sql`state = 'running'`),
    // Serves the admin list and "the last scheduled backup" (newest first).
    index('backups_started_idx').on(table.startedAt),
  ],
);

export type Backup = typeof backups.$inferSelect;
