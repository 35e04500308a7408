import type { Config } from '../config.ts';

/** What backups read of the configuration; BACKUP_DIR is `backupDirectory`, resolved once by loadConfig. */
export type BackupConfig = Pick<
  Config,
  | 'backupDirectory'
  | 'BACKUP_INTERVAL_MINUTES'
  | 'BACKUP_RETENTION_DAYS'
  | 'DATABASE_URL'
  | 'dataDirectory'
  | 'FIREBREAK_SECRET_KEY'
  | 'FIREBREAK_SECRET_KEY_PREVIOUS'
>;

/** Minutes between scheduled backups: BACKUP_INTERVAL_MINUTES, else 60 on the embedded database and none on Postgres. */
export function backupIntervalMinutes(config: Pick<Config, 'BACKUP_INTERVAL_MINUTES' | 'DATABASE_URL'>): number {
  return config.BACKUP_INTERVAL_MINUTES ?? (config.DATABASE_URL ? 0 : 60);
}
