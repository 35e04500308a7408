import { chmod, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.ts';
import type { Scheduler } from '../scheduler/scheduler.ts';
import { createAuditCheckpoint } from './checkpoint.ts';

export const AUDIT_CHECKPOINT_JOB = 'audit.checkpoint';
// Hourly, at minute 7 (away from the top of the hour, where other jobs crowd).
const SCHEDULE = '0 7 * * * *';
const FILE = /^audit-checkpoint-.*\.json$/;

type CheckpointConfig = Pick<
  Config,
  'AUDIT_CHECKPOINT_DIR' | 'AUDIT_CHECKPOINT_KEEP' | 'FIREBREAK_SECRET_KEY' | 'FIREBREAK_SECRET_KEY_PREVIOUS' | 'dataDirectory'
>;

/**
 * With AUDIT_CHECKPOINT_DIR set, writes the audit chain's signed head there every hour (one replica
 * at a time) and keeps the newest AUDIT_CHECKPOINT_KEEP. Point it at storage the database's users
 * cannot write (another volume, a synced bucket): `audit verify --checkpoint` checks against any of them.
 */
export function registerAuditCheckpoints(scheduler: Scheduler, config: CheckpointConfig): void {
  const directory = config.AUDIT_CHECKPOINT_DIR;
  if (!directory) return;
  scheduler.every(AUDIT_CHECKPOINT_JOB, SCHEDULE, async (tx, now) => {
    const checkpoint = await createAuditCheckpoint(tx, config, now);
    await mkdir(directory, { recursive: true, mode: 0o700 });
    await chmod(directory, 0o700);
    // The time in the name sorts oldest first; ':' is left out for file systems that refuse it.
    const name = `audit-checkpoint-${checkpoint.at.replaceAll(':', '-')}.json`;
    await writeFile(path.join(directory, name), `${JSON.stringify(checkpoint, null, 2)}\n`, { mode: 0o600 });
    const files = (await readdir(directory)).filter((file) => FILE.test(file)).sort();
    for (const old of files.slice(0, Math.max(0, files.length - config.AUDIT_CHECKPOINT_KEEP))) {
      await rm(path.join(directory, old), { force: true });
    }
  });
}
