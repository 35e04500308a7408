import path from 'node:path';
import type { Config } from '../config.ts';

export type BackupConfig = Pick<
  Config,
  | 'BACKUP_DIR'
  | 'BACKUP_INTERVAL_MINUTES'
  | 'BACKUP_RETENTION_DAYS'
  | 'DATABASE_URL'
  | 'dataDirectory'
  | 'FIREBREAK_SECRET_KEY'
  | 'FIREBREAK_SECRET_KEY_PREVIOUS'
>;

/** BACKUP_DIR, or DATA_DIR/backups. */
export function backupDirectoryOf(config: Pick<Config, 'BACKUP_DIR' | 'dataDirectory'>): string {
  return config.BACKUP_DIR ? path.resolve(config.BACKUP_DIR) : path.join(config.dataDirectory, 'backups');
}

/** Minutes between scheduled backups: BACKUP_INTERVAL_MINUTES, else 60 on the embedded database and none on Postgres. */
export function backupIntervalMinutes(config: Pick<Config, 'BACKUP_INTERVAL_MINUTES' | 'DATABASE_URL'>): number {
  return config.BACKUP_INTERVAL_MINUTES ?? (config.DATABASE_URL ? 0 : 60);
}
