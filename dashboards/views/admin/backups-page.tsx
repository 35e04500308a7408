import type { Backup } from '../../../platform/index.ts';
import type { Viewer } from '../layout.tsx';
import { CsrfField, Flash, Layout, Time } from '../layout.tsx';

export interface BackupSchedule {
  intervalMinutes: number;
  retentionDays: number;
  nextDueAt: Date | null;
  /** The readiness check's words: the last good backup, or why there is none. */
  state: { ok: boolean; detail: string };
}

function size(bytes: number | null): string {
  if (bytes === null) return '—';
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** /admin/backups: the schedule, a backup made and downloaded now, and every backup in BACKUP_DIR with its state. */
export function BackupsPage({
  viewer,
  backups,
  schedule,
  error,
}: {
  viewer: Viewer;
  backups: Backup[];
  schedule: BackupSchedule;
  error?: string | null;
}) {
  return (
    <Layout title="Backups" viewer={viewer} section="admin">
      <p>
        <a href="/admin">← Admin</a>
      </p>
      <h1>Backups</h1>
      <Flash error={error} notice={null} />
      <section class="card" aria-label="Schedule">
        <p>
          {schedule.intervalMinutes === 0
            ? 'Scheduled backups are off (BACKUP_INTERVAL_MINUTES=0).'
            : `A backup every ${schedule.intervalMinutes} minutes, each read back and verified; kept ${schedule.retentionDays} days.`}{' '}
          {schedule.nextDueAt ? (
            <>
              Next: <Time at={schedule.nextDueAt} />.
            </>
          ) : null}
        </p>
        <p class={schedule.state.ok ? 'muted' : 'error'} data-backup-state>
          {schedule.state.detail}
        </p>
        <form method="post" action="/admin/backups/download">
          <CsrfField viewer={viewer} />
          <button type="submit">Download a backup now</button>
        </form>
        <p class="muted">
          Restore one with <code>npx firebreak restore FILE</code>; it needs the secret key too (FIREBREAK_SECRET_KEY or
          DATA_DIR/secret.key), which backups leave out.
        </p>
      </section>
      {backups.length === 0 ? (
        <p>No backups yet.</p>
      ) : (
        <table class="responsive">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Kind</th>
              <th scope="col">State</th>
              <th scope="col">Size</th>
              <th scope="col">Rows</th>
              <th scope="col">File</th>
            </tr>
          </thead>
          <tbody>
            {backups.map((backup) => (
              <tr data-backup={backup.id}>
                <td data-label="Started">
                  <Time at={backup.startedAt} />
                </td>
                <td data-label="Kind">
                  {backup.kind}
                  {backup.requestedBy ? <div class="muted">{backup.requestedBy}</div> : null}
                </td>
                <td data-label="State" data-state={backup.state}>
                  {backup.state}
                  {backup.error ? <div class="muted">{backup.error}</div> : null}
                </td>
                <td data-label="Size">{size(backup.bytes)}</td>
                <td data-label="Rows">{backup.rows ?? '—'}</td>
                <td data-label="File">
                  {backup.state === 'verified' ? <a href={`/admin/backups/${backup.id}/file`}>{backup.fileName}</a> : backup.fileName}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
