import type { Viewer } from '../layout.tsx';
import { can, Layout } from '../layout.tsx';

/** The links to the admin pages this viewer may open. */
export function AdminNav({ viewer, current }: { viewer: Viewer; current: string }) {
  const links: [string, string, boolean][] = [
    ['/admin/users', 'Users and roles', can(viewer, 'users:manage')],
    ['/admin/identity-providers', 'Single sign-on', can(viewer, 'users:manage')],
    ['/admin/tokens', 'API tokens', can(viewer, 'tokens:manage')],
    ['/admin/elevations', 'Elevations', can(viewer, 'users:manage')],
    ['/admin/access-review', 'Access review', can(viewer, 'users:manage')],
    ['/admin/audit', 'Audit log', can(viewer, 'audit:read')],
    ['/admin/outbox', 'Dead messages', can(viewer, 'notifications:retry')],
    ['/admin/export', 'Export data', can(viewer, 'data:export')],
    ['/admin/privacy', 'Data-subject requests', can(viewer, 'privacy:erase')],
    ['/admin/backups', 'Backups', can(viewer, 'backups:manage')],
  ];
  return (
    <nav aria-label="Admin" class="card">
      <ul class="filters" style="list-style:none;margin:0;padding:0">
        {links
          .filter(([, , allowed]) => allowed)
          .map(([href, label]) => (
            <li>
              <a href={href} aria-current={current === href ? 'page' : undefined}>
                {label}
              </a>
            </li>
          ))}
      </ul>
    </nav>
  );
}

export function AdminIndexPage({ viewer }: { viewer: Viewer }) {
  return (
    <Layout title="Admin" viewer={viewer} section="admin">
      <h1>Admin</h1>
      <AdminNav viewer={viewer} current="/admin" />
    </Layout>
  );
}
