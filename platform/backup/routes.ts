import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import { NotFoundError, UnavailableError } from '../errors.ts';
import type { AppEnv } from '../http/index.ts';
import { jsonResponse, requirePermission, validate } from '../http/index.ts';
import type { Backup } from '../schema/backups.ts';
import { BACKUP_KINDS, BACKUP_STATES, backups } from '../schema/backups.ts';
import type { BackupDeps } from './backup-runs.ts';
import { backupFilePath, listBackups, makeBackupNow, nextScheduledBackup } from './backup-runs.ts';
import { backupIntervalMinutes } from './backup-settings.ts';

const moment = z.iso.datetime();
export const BackupView = z
  .object({
    id: z.uuid(),
    kind: z.enum(BACKUP_KINDS),
    state: z.enum(BACKUP_STATES),
    fileName: z.string(),
    startedAt: moment,
    finishedAt: moment.nullable(),
    bytes: z.int().nullable(),
    rows: z.int().nullable(),
    tables: z.int().nullable(),
    error: z.string().nullable(),
    requestedBy: z.string().nullable(),
  })
  .meta({ id: 'Backup' });

const GZIP = 'application/gzip';
const download = {
  description: 'The backup file (gzip; see docs/operations.md)',
  content: { [GZIP]: { schema: { type: 'string', format: 'binary' } } },
} as const;

/** Answers a backup's file as a streamed download: memory stays flat whatever its size. */
export async function backupFileResponse(config: BackupDeps['config'], backup: Backup): Promise<Response> {
  const file = backupFilePath(config, backup);
  const size = await stat(file).then(
    (found) => found.size,
    () => null,
  );
  if (backup.state !== 'verified' || size === null) throw new NotFoundError(`Backup ${backup.fileName} has no verified file (any more).`);
  return new Response(Readable.toWeb(createReadStream(file)) as ReadableStream, {
    headers: {
      'content-type': GZIP,
      'content-length': String(size),
      'content-disposition': `attachment; filename="${backup.fileName}"`,
      'cache-control': 'no-store',
    },
  });
}

/** Finds a listed backup by id; 404 when there is none. */
export async function findBackup(deps: Pick<BackupDeps, 'database'>, id: string): Promise<Backup> {
  const [backup] = z.uuid().safeParse(id).success ? await deps.database.db.select().from(backups).where(eq(backups.id, id)) : [];
  if (!backup) throw new NotFoundError(`No backup ${id}.`);
  return backup;
}

/** /api/backups: the list and schedule, a backup made now (streamed), a listed backup's file. Admins only. */
export const backupRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describeRoute({
      summary: 'Backups in BACKUP_DIR, newest first, and the schedule',
      tags: ['operations'],
      responses: {
        200: jsonResponse(
          'The backups and when the next scheduled one is due (null: scheduled backups are off)',
          z.object({
            backups: z.array(BackupView),
            schedule: z.object({ intervalMinutes: z.int(), retentionDays: z.int(), nextDueAt: moment.nullable() }),
          }),
        ),
      },
    }),
    requirePermission('backups:manage'),
    async (c) => {
      const { config, database } = c.var.deps;
      const [list, next] = await Promise.all([listBackups(database.db), nextScheduledBackup(c.var.deps)]);
      return c.json({
        backups: list.map(backupView),
        schedule: {
          intervalMinutes: backupIntervalMinutes(config),
          retentionDays: config.BACKUP_RETENTION_DAYS,
          nextDueAt: next?.toISOString() ?? null,
        },
      });
    },
  )
  .post(
    '/',
    describeRoute({
      summary: 'Make a backup now and download it',
      description:
        'Writes a consistent backup into BACKUP_DIR (listed, kept like the scheduled ones), reads it back to verify it, then streams it. `npx firebreak backup` calls this while a server holds the embedded database.',
      tags: ['operations'],
      responses: { 200: download, 409: { description: 'A backup asked for is being made now (backup_running)' } },
    }),
    requirePermission('backups:manage'),
    async (c) => {
      const made = await makeBackupNow(c.var.deps, c.var.ctx.actor.name);
      if (made.state !== 'verified') throw new UnavailableError(`The backup failed: ${made.error ?? 'unknown'}. See the server's log.`);
      return backupFileResponse(c.var.deps.config, made);
    },
  )
  .get(
    '/:id/file',
    describeRoute({
      summary: "Download a listed backup's file",
      tags: ['operations'],
      responses: { 200: download, 404: { description: 'No such backup, or its file is gone (pruned, failed)' } },
    }),
    requirePermission('backups:manage'),
    validate('param', z.object({ id: z.uuid() })),
    async (c) => backupFileResponse(c.var.deps.config, await findBackup(c.var.deps, c.req.valid('param').id)),
  );

export function backupView(backup: Backup): z.infer<typeof BackupView> {
  return {
    ...backup,
    startedAt: backup.startedAt.toISOString(),
    finishedAt: backup.finishedAt?.toISOString() ?? null,
  };
}
