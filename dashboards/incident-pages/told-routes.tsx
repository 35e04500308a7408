import { Hono } from 'hono';
import { getIncident } from '../../incidents/index.ts';
import { retryIncidentMessage } from '../../notifier/index.ts';
import type { DashboardEnv } from '../http.tsx';
import { act } from './forms.tsx';

/** The "who is being told" panel's form: send one of the incident's failed messages again. */
export const toldRoutes = new Hono<DashboardEnv>().post('/:ref/messages/:id/retry', (c) =>
  act(c, 'retried', async (reference) => {
    const incident = await getIncident(c.var.ctx.db, reference);
    await retryIncidentMessage(c.var.ctx, incident.id, c.req.param('id'));
  }),
);
