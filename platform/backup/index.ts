export type { BackupManifest } from './backup-format.ts';
export { BackupFileError, manifestTotals } from './backup-format.ts';
export { scanBackup } from './read-backup.ts';
export type { RestoreOptions, RestoreResult } from './restore-backup.ts';
export { RestoreRefusedError, restoreBackup } from './restore-backup.ts';
export type { WrittenBackup } from './write-backup.ts';
export { writeBackup } from './write-backup.ts';
