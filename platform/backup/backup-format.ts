import { z } from 'zod';

/**
 * A Firebreak backup is one gzip'd text file, the same for both database backends:
 *
 *     #firebreak-backup {header: format, createdAt, source, migrations}
 *     #table {"name":"incidents","columns":[…]}
 *     {one row as JSON (to_jsonb), one line each}
 *     #end {"name":"incidents","rows":…,"sha256":…}
 *     … every table, parents before children …
 *     #manifest {the header again, every table's count and SHA-256, sequences, audit key ids, contentSha256}
 *
 * Rows are the database's own JSON text, written and read back without parsing them in JavaScript,
 * so that no value (a bigint, a timestamp's microseconds, a jsonb document) changes on the way. A
 * row never starts with '#', so the marker lines cannot be mistaken for one. `zcat FILE` reads it.
 */
export const BACKUP_FORMAT = 1;
export const HEADER_MARK = '#firebreak-backup ';
export const TABLE_MARK = '#table ';
export const END_MARK = '#end ';
export const MANIFEST_MARK = '#manifest ';

export const BackupHeader = z.object({
  format: z.literal(BACKUP_FORMAT),
  createdAt: z.iso.datetime(),
  source: z.object({
    database: z.enum(['pglite', 'postgres']),
    firebreakVersion: z.string(),
  }),
  migrations: z.object({
    /** How many migrations the source had applied. */
    level: z.int().min(0),
    /** The SHA-256 of the last one's SQL (as drizzle records it), to tell builds apart. */
    lastHash: z.string().nullable(),
  }),
});
export type BackupHeader = z.infer<typeof BackupHeader>;

export const BackupTableStart = z.object({ name: z.string().min(1), columns: z.array(z.string().min(1)).min(1) });
export type BackupTableStart = z.infer<typeof BackupTableStart>;

export const BackupTableEnd = z.object({ name: z.string().min(1), rows: z.int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/) });
export type BackupTableEnd = z.infer<typeof BackupTableEnd>;

export const BackupSequence = z.object({
  table: z.string(),
  column: z.string(),
  /** As text: a bigint sequence may pass 2^53. */
  lastValue: z.string().regex(/^-?\d+$/),
  isCalled: z.boolean(),
});
export type BackupSequence = z.infer<typeof BackupSequence>;

export const BackupManifest = BackupHeader.extend({
  tables: z.array(BackupTableStart.extend(BackupTableEnd.shape)),
  sequences: z.array(BackupSequence),
  /** The audit keys the audit chain is signed with: the restoring side must have each (FIREBREAK_SECRET_KEY or secret.key). */
  auditKeyIds: z.array(z.string()),
  /** The SHA-256 of every line before the manifest. */
  contentSha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type BackupManifest = z.infer<typeof BackupManifest>;

/** Why a backup file is refused: damaged, cut short, or not a Firebreak backup. The message says which. */
export class BackupFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupFileError';
  }
}

/** The totals of a manifest, for messages and the backups list. */
export function manifestTotals(manifest: Pick<BackupManifest, 'tables'>): { tables: number; rows: number } {
  return { tables: manifest.tables.length, rows: manifest.tables.reduce((sum, table) => sum + table.rows, 0) };
}
