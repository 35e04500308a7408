// Backups, restore and the move to Postgres: one file format for both database backends (backup-format.ts).

export type { Backup, BackupKind, BackupState } from '../schema/backups.ts';
export type { BackupManifest } from './backup-format.ts';
export { BackupFileError, manifestTotals } from './backup-format.ts';
export type { BackupDeps } from './backup-runs.ts';
export { listBackups, makeBackupNow, nextScheduledBackup, pruneBackups, runDueBackup } from './backup-runs.ts';
export type { BackupConfig } from './backup-settings.ts';
export { backupIntervalMinutes } from './backup-settings.ts';
export type { MoveResult } from './move-to-postgres.ts';
export { moveToPostgres } from './move-to-postgres.ts';
export { scanBackup } from './read-backup.ts';
export type { RestoreOptions, RestoreResult } from './restore-backup.ts';
export { RestoreRefusedError, restoreBackup } from './restore-backup.ts';
export { BackupView, backupFileResponse, backupRoutes, backupView, findBackup } from './routes.ts';
export { BACKUP_JOB, defineBackupMetrics, describeBackupState, registerScheduledBackups } from './scheduled-backups.ts';
export type { WrittenBackup } from './write-backup.ts';
export { writeBackup } from './write-backup.ts';
