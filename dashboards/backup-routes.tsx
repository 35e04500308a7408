import { Hono } from 'hono';
import {
  assertPermission,
  backupFileResponse,
  backupIntervalMinutes,
  DomainError,
  describeBackupState,
  findBackup,
  listBackups,
  makeBackupNow,
  nextScheduledBackup,
} from '../platform/index.ts';
import { describeRefusal, rememberRefusal, takeRefusal } from './form-refusals.ts';
import type { DashboardEnv } from './http.tsx';
import { renderPage } from './http.tsx';
import { BackupsPage } from './views/admin/backups-page.tsx';

/** /admin/backups: the list with each backup's state, "Download a backup now", and a listed file. */
export function backupAdminRoutes() {
  return new Hono<DashboardEnv>()
    .get('/', async (c) => {
      assertPermission(c.var.ctx.actor, 'backups:manage');
      const { config, database } = c.var.deps;
      const [backups, next, state, refused] = await Promise.all([
        listBackups(database.db),
        nextScheduledBackup(c.var.deps),
        describeBackupState(c.var.deps),
        takeRefusal(c, '/admin/backups'),
      ]);
      const schedule = {
        intervalMinutes: backupIntervalMinutes(config),
        retentionDays: config.BACKUP_RETENTION_DAYS,
        nextDueAt: next,
        state,
      };
      return renderPage(c, <BackupsPage viewer={c.var.viewer} backups={backups} schedule={schedule} error={refused?.message ?? null} />);
    })
    .post('/download', async (c) => {
      assertPermission(c.var.ctx.actor, 'backups:manage');
      try {
        const made = await makeBackupNow(c.var.deps, c.var.ctx.actor.name);
        if (made.state !== 'verified') throw new DomainError('unavailable', `The backup failed: ${made.error ?? 'unknown'}.`);
        // The file itself answers the form: the browser saves it and stays on the page.
        return await backupFileResponse(c.var.deps.config, made);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        await rememberRefusal(c, '/admin/backups', { form: 'backup-now', values: {}, ...describeRefusal(error) });
        return c.redirect('/admin/backups', 303);
      }
    })
    .get('/:id/file', async (c) => {
      assertPermission(c.var.ctx.actor, 'backups:manage');
      return backupFileResponse(c.var.deps.config, await findBackup(c.var.deps, c.req.param('id')));
    });
}
