import { Hono } from 'hono';
import { listMessages, retryMessage } from '../notifier/index.ts';
import { assertPermission } from '../platform/index.ts';
import type { DashboardEnv } from './http.tsx';
import { renderPage } from './http.tsx';
import { DeadMessagesPage } from './views/admin/outbox-page.tsx';

/** /admin/outbox: dead outbox messages, and retrying them. */
export function outboxAdminRoutes() {
  return new Hono<DashboardEnv>()
    .get('/', async (c) => {
      assertPermission(c.var.ctx.actor, 'notifications:retry');
      const { messages } = await listMessages(c.var.ctx.db, { status: 'dead', limit: 200 });
      const retried = Number(c.req.query('retried'));
      return renderPage(
        c,
        <DeadMessagesPage viewer={c.var.viewer} messages={messages} retried={Number.isInteger(retried) ? retried : null} />,
      );
    })
    .post('/:id/retry', async (c) => {
      const { retried } = await retryMessage(c.var.ctx, c.req.param('id'));
      return c.redirect(`/admin/outbox?retried=${retried.length}`, 303);
    });
}
