import { Gauge } from 'prom-client';
import type { ReadinessCheck } from '../routes.ts';
import type { Scheduler } from '../scheduler/index.ts';
import { defineScrapeMetric } from '../telemetry/index.ts';
import type { BackupDeps } from './backup-runs.ts';
import { lastGoodBackup, listBackups, markAbandonedBackups, nextScheduledBackup, runDueBackup } from './backup-runs.ts';
import { backupIntervalMinutes } from './backup-settings.ts';

export const BACKUP_JOB = 'backup.scheduled';
// Every minute, at second 40 (away from the jobs at second 0): the job looks whether a backup is due;
// the schedule itself is the backups table (the last scheduled one's start + BACKUP_INTERVAL_MINUTES).
const SCHEDULE = '40 * * * * *';

/**
 * Scheduled backups, a job of the scheduler: every BACKUP_INTERVAL_MINUTES one replica writes a backup
 * into BACKUP_DIR, reads it back to verify it, and prunes those older than BACKUP_RETENTION_DAYS (no
 * job when the interval is 0). Answers /readyz's "backup" check: the last good backup; it never fails
 * readiness. On the embedded database, one process only, a backup left "running" at start was
 * interrupted: it is marked failed.
 */
export async function registerScheduledBackups(scheduler: Scheduler, deps: BackupDeps): Promise<ReadinessCheck> {
  if (deps.database.kind === 'pglite') await markAbandonedBackups(deps.database.db, new Date());
  if (backupIntervalMinutes(deps.config) > 0) {
    scheduler.every(BACKUP_JOB, SCHEDULE, async (tx, now) => {
      await runDueBackup(deps, tx, now);
    });
  }
  return { name: 'backup', required: false, check: () => describeBackupState(deps) };
}

/** The last good backup, and whether the latest attempt failed or the last good one is overdue. */
export async function describeBackupState(deps: BackupDeps, now: Date = new Date()): Promise<{ ok: boolean; detail: string }> {
  const minutes = backupIntervalMinutes(deps.config);
  const [good, [latest], next] = await Promise.all([
    lastGoodBackup(deps.database.db),
    listBackups(deps.database.db, 1),
    nextScheduledBackup(deps, now),
  ]);
  const schedule = minutes === 0 ? 'scheduled backups are off (BACKUP_INTERVAL_MINUTES=0)' : `next due ${next?.toISOString() ?? 'now'}`;
  if (!good) {
    const failed = latest?.state === 'failed' ? `; the last attempt failed: ${latest.error ?? 'unknown'}` : '';
    return { ok: failed === '', detail: `no backup yet${failed}; ${schedule}` };
  }
  const at = (good.finishedAt ?? good.startedAt).toISOString();
  const parts = [`last good backup ${at} (${good.fileName}, ${good.bytes ?? 0} bytes)`];
  let ok = true;
  if (latest?.state === 'failed') {
    ok = false;
    parts.push(`the latest attempt at ${latest.startedAt.toISOString()} failed: ${latest.error ?? 'unknown'}`);
  }
  if (minutes > 0 && now.getTime() - good.startedAt.getTime() > 2 * minutes * 60_000) {
    ok = false;
    parts.push(`older than two intervals of ${minutes} minutes`);
  }
  parts.push(schedule);
  return { ok, detail: parts.join('; ') };
}

/** /metrics: the time of the last good backup, read from the scraped service's database. */
export function defineBackupMetrics(): void {
  defineScrapeMetric(
    'firebreak_backup_last_success_timestamp_seconds',
    (source, registry) =>
      new Gauge({
        name: 'firebreak_backup_last_success_timestamp_seconds',
        help: 'When the last backup that was written and verified finished (Unix time); absent before the first.',
        registers: [registry],
        async collect() {
          try {
            const good = await lastGoodBackup(source.db);
            if (good) this.set(Math.floor((good.finishedAt ?? good.startedAt).getTime() / 1000));
          } catch (error) {
            source.logger.warn({ err: error }, 'could not read the last backup for /metrics');
          }
        },
      }),
  );
}
