import { Hono } from 'hono';
import type { HeartbeatInput } from '../incidents/index.ts';
import { createHeartbeat, deleteHeartbeat, listHeartbeats } from '../incidents/index.ts';
import type { LoginPolicy } from '../platform/index.ts';
import { assertPermission } from '../platform/index.ts';
import { submitForm, takeRefusal } from './form-refusals.ts';
import type { DashboardEnv } from './http.tsx';
import { field, renderError, renderPage, requireViewer } from './http.tsx';
import { RefusedFormContext } from './views/form-fields.tsx';
import { HeartbeatsPage } from './views/heartbeats-page.tsx';

const DONE: Record<string, string> = { created: 'Heartbeat added: it is waited for from now.', removed: 'Heartbeat removed.' };

/** /heartbeats: the list with each one's state, adding one, removing one. */
export function heartbeatPageRoutes(policy: LoginPolicy) {
  return new Hono<DashboardEnv>()
    .use(requireViewer(policy))
    .get('/', async (c) => {
      assertPermission(c.var.ctx.actor, 'alerts:read');
      const refused = await takeRefusal(c, c.req.path);
      const done = DONE[c.req.query('done') ?? ''] ?? null;
      return renderPage(
        c,
        <RefusedFormContext.Provider value={refused}>
          <HeartbeatsPage
            viewer={c.var.viewer}
            heartbeats={await listHeartbeats(c.var.ctx.db)}
            error={refused?.message ?? null}
            notice={refused ? null : done}
          />
        </RefusedFormContext.Provider>,
      );
    })
    .post('/', (c) =>
      submitForm(c, '/heartbeats', async (form) => {
        const heartbeat = await createHeartbeat(c.var.ctx, {
          name: field(form, 'name'),
          matchers: field(form, 'matchers'),
          // The domain validates the choices; a forged value is refused there, naming the field.
          source: (field(form, 'source') || null) as HeartbeatInput['source'],
          interval: field(form, 'interval'),
          grace: field(form, 'grace'),
          severity: field(form, 'severity') as HeartbeatInput['severity'],
        });
        return `/heartbeats?done=created#heartbeat-${heartbeat.id}`;
      }),
    )
    .post('/:id/remove', (c) =>
      submitForm(c, '/heartbeats', async () => {
        await deleteHeartbeat(c.var.ctx, c.req.param('id'));
        return '/heartbeats?done=removed';
      }),
    )
    .onError(renderError);
}
