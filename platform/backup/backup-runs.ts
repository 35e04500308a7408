import { rm } from 'node:fs/promises';
import path from 'node:path';
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import { Counter } from 'prom-client';
import type { Database, DatabaseHandle } from '../database/index.ts';
import { queryRows, sqlStateOf } from '../database/index.ts';
import { ConflictError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Backup, BackupKind } from '../schema/backups.ts';
import { backups } from '../schema/backups.ts';
import { defineMetric, metricsRegistry } from '../telemetry/index.ts';
import { manifestTotals } from './backup-format.ts';
import type { BackupConfig } from './backup-settings.ts';
import { backupIntervalMinutes } from './backup-settings.ts';
import { scanBackup } from './read-backup.ts';
import { writeBackup } from './write-backup.ts';

export interface BackupDeps {
  database: DatabaseHandle;
  config: BackupConfig;
  logger: Logger;
}

// A backup still "running" after this long was left by a process that stopped during it.
const ABANDONED_AFTER_MS = 6 * 3600_000;

const backupFailures = defineMetric(
  'firebreak_backup_failures_total',
  () =>
    new Counter({
      name: 'firebreak_backup_failures_total',
      help: 'Backups (scheduled or asked for) that failed to be written or verified, by kind.',
      labelNames: ['kind'] as const,
      registers: [metricsRegistry],
    }),
);

function fileNameFor(kind: BackupKind, now: Date): string {
  // The time sorts the files oldest first; ':' is left out for file systems that refuse it.
  return `firebreak-backup-${now.toISOString().replaceAll(':', '-')}-${kind}.gz`;
}

/** The path of a listed backup's file. */
export function backupFilePath(config: BackupConfig, backup: Pick<Backup, 'fileName'>): string {
  return path.join(config.backupDirectory, backup.fileName);
}

/**
 * Marks backups left running by a process that stopped as failed: those started before `before`
 * (at startup on the embedded database, every one: it has a single process).
 */
export async function markAbandonedBackups(db: Database, before: Date): Promise<void> {
  await db
    .update(backups)
    .set({ state: 'failed', finishedAt: new Date(), error: 'interrupted: the process making it stopped' })
    .where(and(eq(backups.state, 'running'), lt(backups.startedAt, before)));
}

/** Claims a scheduled backup when one is due (none of its kind started within the interval); null when not due or another replica has it. */
async function claimScheduled(deps: BackupDeps, tx: Database, now: Date): Promise<Backup | null> {
  const minutes = backupIntervalMinutes(deps.config);
  if (minutes === 0) return null;
  const since = new Date(now.getTime() - minutes * 60_000);
  // The guard is in the statement: not due, nothing inserted; two replicas at once, the running index lets one in.
  const [claimed] = await queryRows<{ id: string }>(
    tx,
    sql`insert into backups (kind, file_name, started_at)
        select 'scheduled', ${fileNameFor('scheduled', now)}, ${now}
        where not exists (select 1 from backups where kind = 'scheduled' and started_at > ${since})
        on conflict (kind) where state = 'running' do nothing
        returning id`,
  );
  if (!claimed) return null;
  const [row] = await tx.select().from(backups).where(eq(backups.id, claimed.id));
  return row ?? null;
}

async function claimManual(deps: BackupDeps, requestedBy: string, now: Date): Promise<Backup> {
  try {
    const [row] = await deps.database.db
      .insert(backups)
      .values({ kind: 'manual', fileName: fileNameFor('manual', now), startedAt: now, requestedBy })
      .returning();
    if (!row) throw new Error('the backup row was not written');
    return row;
  } catch (error) {
    if (sqlStateOf(error) === '23505')
      throw new ConflictError('A backup asked for is being made now; try again in a minute.', 'backup_running');
    throw error;
  }
}

/**
 * Writes the claimed backup, reads it back to check it, and records the outcome in `db` (the
 * scheduled job's transaction, or the database). `within` is the job's transaction on PGlite (see writeBackup).
 */
async function complete(deps: BackupDeps, claimed: Backup, db: Database, within?: Database): Promise<Backup> {
  const file = backupFilePath(deps.config, claimed);
  const started = Date.now();
  try {
    const written = await writeBackup(deps.database, file, claimed.startedAt, within);
    const reread = await scanBackup(file);
    if (reread.contentSha256 !== written.manifest.contentSha256) throw new Error('the file read back differs from what was written');
    const totals = manifestTotals(reread);
    const [done] = await db
      .update(backups)
      .set({ state: 'verified', finishedAt: new Date(), bytes: written.bytes, rows: totals.rows, tables: totals.tables })
      .where(and(eq(backups.id, claimed.id), eq(backups.state, 'running')))
      .returning();
    deps.logger.info(
      { backup: claimed.fileName, bytes: written.bytes, rows: totals.rows, ms: Date.now() - started },
      'backup written and verified',
    );
    return done ?? claimed;
  } catch (error) {
    backupFailures.inc({ kind: claimed.kind });
    deps.logger.error({ err: error, backup: claimed.fileName }, 'backup failed');
    await rm(file, { force: true }).catch(() => undefined);
    const [failed] = await db
      .update(backups)
      .set({ state: 'failed', finishedAt: new Date(), error: (error as Error).message.slice(0, 2000) })
      .where(and(eq(backups.id, claimed.id), eq(backups.state, 'running')))
      .returning();
    return failed ?? claimed;
  }
}

/** A backup asked for now (admin page, API, CLI): written into BACKUP_DIR, verified, listed. */
export async function makeBackupNow(deps: BackupDeps, requestedBy: string, now: Date = new Date()): Promise<Backup> {
  await markAbandonedBackups(deps.database.db, new Date(now.getTime() - ABANDONED_AFTER_MS));
  return complete(deps, await claimManual(deps, requestedBy, now), deps.database.db);
}

/**
 * The scheduled backup job's run, in the transaction that holds the job's lock: makes the backup if
 * one is due, then prunes old ones; null when none was due. The claim, the outcome and the pruning
 * commit with the job, so a process that stops half-way leaves no backup "running". On Postgres the
 * backup reads its own snapshot on another connection; on PGlite it reads inside `tx` (writeBackup).
 */
export async function runDueBackup(deps: BackupDeps, tx: Database, now: Date = new Date()): Promise<Backup | null> {
  await markAbandonedBackups(tx, new Date(now.getTime() - ABANDONED_AFTER_MS));
  const claimed = await claimScheduled(deps, tx, now);
  if (!claimed) return null;
  const done = await complete(deps, claimed, tx, deps.database.kind === 'pglite' ? tx : undefined);
  await pruneBackups(deps, now, tx);
  return done;
}

/**
 * Deletes backups (file and row) started more than BACKUP_RETENTION_DAYS ago, but never the newest
 * verified one: an install that stopped backing up still keeps its last good backup.
 */
export async function pruneBackups(deps: BackupDeps, now: Date = new Date(), db: Database = deps.database.db): Promise<number> {
  const cutoff = new Date(now.getTime() - deps.config.BACKUP_RETENTION_DAYS * 24 * 3600_000);
  const [newest] = await db
    .select({ id: backups.id })
    .from(backups)
    .where(eq(backups.state, 'verified'))
    .orderBy(desc(backups.startedAt))
    .limit(1);
  const old = await db
    .select()
    .from(backups)
    .where(and(lt(backups.startedAt, cutoff), sql`${backups.state} <> 'running'`));
  let pruned = 0;
  for (const backup of old) {
    if (backup.id === newest?.id) continue;
    await rm(backupFilePath(deps.config, backup), { force: true });
    await db.delete(backups).where(and(eq(backups.id, backup.id), sql`${backups.state} <> 'running'`));
    pruned++;
  }
  return pruned;
}

/** The newest backups first. */
export async function listBackups(db: Database, limit = 100): Promise<Backup[]> {
  return db.select().from(backups).orderBy(desc(backups.startedAt)).limit(limit);
}

/** The newest verified backup, if any. */
export async function lastGoodBackup(db: Database): Promise<Backup | null> {
  const [row] = await db.select().from(backups).where(eq(backups.state, 'verified')).orderBy(desc(backups.startedAt)).limit(1);
  return row ?? null;
}

/** When the next scheduled backup is due: the last scheduled one's start plus the interval (now if none); null when off. */
export async function nextScheduledBackup(deps: BackupDeps, now: Date = new Date()): Promise<Date | null> {
  const minutes = backupIntervalMinutes(deps.config);
  if (minutes === 0) return null;
  const [last] = await deps.database.db
    .select({ startedAt: backups.startedAt })
    .from(backups)
    .where(eq(backups.kind, 'scheduled'))
    .orderBy(desc(backups.startedAt))
    .limit(1);
  if (!last) return now;
  return new Date(last.startedAt.getTime() + minutes * 60_000);
}
