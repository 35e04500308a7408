import { Hono } from 'hono';
import { listMessages, retryMessage } from '../notifier/index.ts';
import { assertPermission } from '../platform/index.ts';
import { submitForm, takeRefusal } from './form-refusals.ts';
import type { DashboardEnv } from './http.tsx';
import { renderPage } from './http.tsx';
import { DeadMessagesPage } from './views/admin/outbox-page.tsx';

/** /admin/outbox: dead outbox messages, and retrying them. */
export function outboxAdminRoutes() {
  return (
    new Hono<DashboardEnv>()
      .get('/', async (c) => {
        assertPermission(c.var.ctx.actor, 'notifications:retry');
        const { messages } = await listMessages(c.var.ctx.db, { status: 'dead', limit: 200 });
        const retried = Number(c.req.query('retried'));
        const refused = await takeRefusal(c, '/admin/outbox');
        return renderPage(
          c,
          <DeadMessagesPage
            viewer={c.var.viewer}
            messages={messages}
            retried={Number.isInteger(retried) && !refused ? retried : null}
            error={refused?.message ?? null}
          />,
        );
      })
      // Post/Redirect/Get: a refusal (already delivered, gone) comes back to the list with the reason.
      .post('/:id/retry', (c) =>
        submitForm(c, '/admin/outbox', async () => {
          const { retried } = await retryMessage(c.var.ctx, c.req.param('id'));
          return `/admin/outbox?retried=${retried.length}`;
        }),
      )
  );
}
