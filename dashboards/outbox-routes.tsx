import { Hono } from 'hono';
import { assertPermission } from '../platform/index.ts';
import { renderPage } from './http.tsx';
import type { DashboardEnv } from './http.tsx';
import { Layout } from './views/layout.tsx';

/** /admin/outbox: dead outbox messages, and retrying them. */
export function outboxAdminRoutes() {
  return new Hono<DashboardEnv>().get('/', (c) => {
    assertPermission(c.var.ctx.actor, 'notifications:retry');
    return renderPage(
      c,
      <Layout title="Dead messages" viewer={c.var.viewer} section="admin">
        <h1>Dead messages</h1>
      </Layout>,
    );
  });
}
