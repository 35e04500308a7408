import { Gauge } from 'prom-client';
import type { ReadinessCheck } from '../routes.ts';
import { defineScrapeMetric } from '../telemetry/index.ts';
import type { BackupDeps } from './backup-runs.ts';
import { lastGoodBackup, listBackups, markAbandonedBackups, nextScheduledBackup, runDueBackup } from './backup-runs.ts';
import { backupIntervalMinutes } from './backup-settings.ts';

// How often the schedule is looked at; the schedule itself is the backups table (last start + interval).
const TICK_MS = 30_000;

export interface ScheduledBackups {
  /** Beside the HTTP server: looks every 30 seconds whether a backup is due. */
  service: { name: string; start(): void; stop(): Promise<void> };
  /** /readyz's "backup" check: the last good backup; never fails readiness. */
  readiness: ReadinessCheck;
}

/**
 * Scheduled backups: every BACKUP_INTERVAL_MINUTES one replica writes a backup into BACKUP_DIR,
 * reads it back to verify it, and prunes those older than BACKUP_RETENTION_DAYS. When the next is
 * due is read from the backups table, so the schedule survives restarts.
 */
export function scheduledBackups(deps: BackupDeps): ScheduledBackups {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  const tick = () => {
    if (running) return;
    running = runDueBackup(deps)
      .catch((error: unknown) => deps.logger.error({ err: error }, 'scheduled backup failed'))
      .finally(() => {
        running = null;
      });
  };
  return {
    service: {
      name: 'scheduled-backups',
      start() {
        if (backupIntervalMinutes(deps.config) === 0) return;
        const startup = deps.database.kind === 'pglite' ? markAbandonedBackups(deps, new Date()) : Promise.resolve();
        running = startup
          .catch((error: unknown) => deps.logger.warn({ err: error }, 'could not mark interrupted backups'))
          .finally(() => {
            running = null;
          });
        timer = setInterval(tick, TICK_MS);
        timer.unref();
      },
      async stop() {
        if (timer) clearInterval(timer);
        timer = null;
        await running;
      },
    },
    readiness: {
      name: 'backup',
      required: false,
      check: () => describeBackupState(deps),
    },
  };
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
