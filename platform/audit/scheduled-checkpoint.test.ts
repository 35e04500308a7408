import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { TEST_CONFIG } from '../../test/harness/config.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import { systemContext } from '../auth/actor.ts';
import { createLogger } from '../logger.ts';
import { Scheduler } from '../scheduler/scheduler.ts';
import { parseAuditCheckpoint } from './checkpoint.ts';
import { recordAudit } from './record-audit.ts';
import { AUDIT_CHECKPOINT_JOB, registerAuditCheckpoints } from './scheduled-checkpoint.ts';
import { verifyAuditChain } from './verify-audit.ts';

describeOnBackends('scheduled audit checkpoints', () => {
  it('writes a signed head to AUDIT_CHECKPOINT_DIR on schedule and keeps the last AUDIT_CHECKPOINT_KEEP', async ({ database }) => {
    const directory = path.join(await mkdtemp(path.join(tmpdir(), 'firebreak-checkpoints-')), 'heads');
    const config = { ...TEST_CONFIG, AUDIT_CHECKPOINT_DIR: directory, AUDIT_CHECKPOINT_KEEP: 2 };
    const scheduler = new Scheduler(database.db, createLogger('silent'));
    registerAuditCheckpoints(scheduler, config);
    const ctx = systemContext(database.db, config);
    for (const hour of [1, 2, 3]) {
      await database.db.transaction((tx) => recordAudit(tx, ctx, { action: 'test.thing.change', targetType: 'thing' }));
      expect(await scheduler.runJob(AUDIT_CHECKPOINT_JOB, new Date(`2026-12-04T0${hour}:07:00Z`))).toBe(true);
    }
    const files = (await readdir(directory)).sort();
    expect(files).toEqual(['audit-checkpoint-2026-12-04T02-07-00.000Z.json', 'audit-checkpoint-2026-12-04T03-07-00.000Z.json']);
    expect((await stat(directory)).mode & 0o777).toBe(0o700);
    const newest = path.join(directory, files[1] ?? '');
    expect((await stat(newest)).mode & 0o777).toBe(0o600);
    const checkpoint = parseAuditCheckpoint(await readFile(newest, 'utf8'), config);
    expect(checkpoint).toEqual(expect.objectContaining({ position: 3, entries: 3, at: '2026-12-04T03:07:00.000Z' }));
    expect((await verifyAuditChain(database.db, config, { checkpoint })).ok).toBe(true);
  });

  it('registers nothing when AUDIT_CHECKPOINT_DIR is unset', async ({ database }) => {
    const scheduler = new Scheduler(database.db, createLogger('silent'));
    registerAuditCheckpoints(scheduler, TEST_CONFIG);
    await expect(scheduler.runJob(AUDIT_CHECKPOINT_JOB)).rejects.toThrow(/No job named/);
  });
});
