import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import type { Backup } from '../schema/backups.ts';
import { backups } from '../schema/backups.ts';
import { listBackups } from './backup-runs.ts';
import { BACKUP_JOB } from './scheduled-backups.ts';

const at = (iso: string) => new Date(iso);

/** Runs the scheduler's backup job as its tick would at `now`; the backup it made, or null when none was due. */
async function runBackupJob(
  firebreak: { scheduler: { runJob(name: string, now: Date): Promise<boolean> }; database: { db: Parameters<typeof listBackups>[0] } },
  now: Date,
): Promise<Backup | null> {
  const before = new Set((await listBackups(firebreak.database.db)).map((backup) => backup.id));
  expect(await firebreak.scheduler.runJob(BACKUP_JOB, now)).toBe(true);
  const made = (await listBackups(firebreak.database.db)).filter((backup) => !before.has(backup.id));
  expect(made.length).toBeLessThanOrEqual(1);
  return made[0] ?? null;
}

describeOnBackends('scheduled backups', () => {
  it.override({ firebreakEnv: { BACKUP_INTERVAL_MINUTES: '60', BACKUP_RETENTION_DAYS: '2' } });

  it('makes one when due, verifies it, reports it in /readyz and /metrics, and prunes old ones', async ({ firebreak }) => {
    const before = await firebreak.request('GET', '/readyz');
    expect(before.status).toBe(200);
    expect(((await before.json()) as { checks: { backup: { detail: string } } }).checks.backup.detail).toMatch(/^no backup yet; next due/);

    const first = await runBackupJob(firebreak, at('2030-01-01T00:00:00Z'));
    expect(first?.state).toBe('verified');
    expect(first?.rows).toBeGreaterThan(0);
    // Not due again within the interval; due after it.
    expect(await runBackupJob(firebreak, at('2030-01-01T00:59:00Z'))).toBeNull();
    const second = await runBackupJob(firebreak, at('2030-01-01T01:00:01Z'));
    expect(second?.state).toBe('verified');

    const directory = firebreak.config.backupDirectory;
    const files = (await readdir(directory)).sort();
    expect(files).toEqual([first?.fileName, second?.fileName].sort());
    expect(gunzipSync(await import('node:fs/promises').then((fs) => fs.readFile(path.join(directory, files[0] ?? '')))).toString()).toMatch(
      /^#firebreak-backup /,
    );

    const ready = (await (await firebreak.request('GET', '/readyz')).json()) as {
      status: string;
      checks: { backup: { ok: boolean; detail: string } };
    };
    expect(ready.status).toBe('ready');
    expect(ready.checks.backup.detail).toContain(`last good backup`);
    expect(ready.checks.backup.detail).toContain(second?.fileName);
    const metrics = await (await firebreak.request('GET', '/metrics')).text();
    const finished = Math.floor((second?.finishedAt?.getTime() ?? 0) / 1000);
    expect(metrics).toContain(`firebreak_backup_last_success_timestamp_seconds ${finished}`);

    // Three days on: the two are past BACKUP_RETENTION_DAYS; the one made then is kept, and the two pruned.
    const third = await runBackupJob(firebreak, at('2030-01-04T02:00:00Z'));
    expect(third?.state).toBe('verified');
    expect(await readdir(directory)).toEqual([third?.fileName]);
    expect((await firebreak.database.db.select().from(backups)).map((row) => row.id)).toEqual([third?.id]);
  });

  it('records a failed backup, counts it in /metrics and says so in /readyz without failing readiness', async ({ firebreak }) => {
    // A file where the directory should be: the backup cannot be written.
    await writeFile(firebreak.config.backupDirectory, 'not a directory');
    const failed = await runBackupJob(firebreak, at('2030-01-01T00:00:00Z'));
    expect(failed?.state).toBe('failed');
    expect(failed?.error).toMatch(/EEXIST|ENOTDIR|not a directory/);
    const ready = await firebreak.request('GET', '/readyz');
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { checks: { backup: { ok: boolean; detail: string } } };
    expect(body.checks.backup).toMatchObject({ ok: false });
    expect(body.checks.backup.detail).toMatch(/no backup yet; the last attempt failed/);
    expect(await (await firebreak.request('GET', '/metrics')).text()).toMatch(/firebreak_backup_failures_total\{kind="scheduled"\} [1-9]/);
    const [row] = await firebreak.database.db
      .select()
      .from(backups)
      .where(eq(backups.id, failed?.id ?? ''));
    expect(row?.state).toBe('failed');
  });

  it('serves the list, a backup made now and a listed file to admins only', async ({ firebreak }) => {
    const viewer = await firebreak.tokenFor('viewer');
    expect((await firebreak.request('GET', '/api/backups', { token: null })).status).toBe(401);
    expect((await firebreak.request('GET', '/api/backups', { token: viewer })).status).toBe(403);
    expect((await firebreak.request('POST', '/api/backups', { token: viewer })).status).toBe(403);

    const made = await firebreak.request('POST', '/api/backups');
    expect(made.status).toBe(200);
    expect(made.headers.get('content-type')).toBe('application/gzip');
    expect(made.headers.get('content-disposition')).toMatch(/attachment; filename="firebreak-backup-.*-manual\.gz"/);
    const text = gunzipSync(Buffer.from(await made.arrayBuffer())).toString('utf8');
    expect(text.split('\n').at(-2)).toMatch(/^#manifest /);

    const listed = (await (await firebreak.request('GET', '/api/backups')).json()) as {
      backups: { id: string; kind: string; state: string; requestedBy: string }[];
      schedule: { intervalMinutes: number };
    };
    expect(listed.schedule.intervalMinutes).toBe(60);
    expect(listed.backups).toHaveLength(1);
    expect(listed.backups[0]).toMatchObject({ kind: 'manual', state: 'verified' });
    const file = await firebreak.request('GET', `/api/backups/${listed.backups[0]?.id}/file`);
    expect(Buffer.from(await file.arrayBuffer()).length).toBe(Number(file.headers.get('content-length')));
    expect((await firebreak.request('GET', `/api/backups/${listed.backups[0]?.id}/file`, { token: viewer })).status).toBe(403);
    expect((await firebreak.request('GET', '/api/backups/not-a-uuid/file')).status).toBe(400);
    expect((await firebreak.request('GET', '/api/backups/00000000-0000-4000-8000-000000000000/file')).status).toBe(404);
  });
});

describeOnBackends('scheduled backups turned off', () => {
  it.override({ firebreakEnv: { BACKUP_INTERVAL_MINUTES: '0' } });

  it('registers no backup job with BACKUP_INTERVAL_MINUTES=0, and says so in /readyz', async ({ firebreak }) => {
    await expect(firebreak.scheduler.runJob(BACKUP_JOB, at('2030-01-01T00:00:00Z'))).rejects.toThrow(`No job named "${BACKUP_JOB}"`);
    const ready = (await (await firebreak.request('GET', '/readyz')).json()) as { checks: { backup: { detail: string } } };
    expect(ready.checks.backup.detail).toBe('no backup yet; scheduled backups are off (BACKUP_INTERVAL_MINUTES=0)');
  });
});
