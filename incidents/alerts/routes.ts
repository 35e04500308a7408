import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import type { AppEnv } from '../../platform/index.ts';
import { requirePermission, validate } from '../../platform/index.ts';
import { createSilence, SilenceInput } from './create-silence.ts';
import { expireSilence } from './expire-silence.ts';
import { AlertListQuery, listAlerts } from './list-alerts.ts';
import { getSilence, listSilences, SilenceListQuery } from './list-silences.ts';
import { presentSilence } from './silence-status.ts';

const SilenceParam = z.object({ id: z.string().min(1).max(100) });

/** GET /api/alerts. */
export const alertRoutes = new Hono<AppEnv>().get(
  '/',
  describeRoute({ summary: 'Alerts, newest first; filter by status, Alertmanager matchers, incident; cursor pages', tags: ['alerts'] }),
  requirePermission('alerts:read'),
  validate('query', AlertListQuery),
  async (c) => {
    const url = new URL(c.req.url);
    const filter = url.searchParams.getAll('filter');
    const fingerprint = url.searchParams.getAll('fingerprint');
    return c.json(
      await listAlerts(c.var.ctx.db, { ...c.req.valid('query'), filter, fingerprint: fingerprint.length > 0 ? fingerprint : undefined }),
    );
  },
);

/** /api/silences: create, list, show and expire maintenance windows. */
export const silenceRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describeRoute({ summary: 'Silences, latest ending first', tags: ['alerts'] }),
    requirePermission('alerts:read'),
    validate('query', SilenceListQuery),
    async (c) => {
      const now = new Date();
      return c.json({ silences: (await listSilences(c.var.ctx.db, c.req.valid('query'))).map((silence) => presentSilence(silence, now)) });
    },
  )
  .post(
    '/',
    describeRoute({
      summary: 'Create a silence (Alertmanager matchers, start, end, comment)',
      tags: ['alerts'],
      responses: { 201: { description: 'The silence, created' } },
    }),
    requirePermission('silences:write'),
    validate('json', SilenceInput),
    async (c) => c.json(presentSilence(await createSilence(c.var.ctx, c.req.valid('json'))), 201),
  )
  .get(
    '/:id',
    describeRoute({ summary: 'A silence', tags: ['alerts'] }),
    requirePermission('alerts:read'),
    validate('param', SilenceParam),
    async (c) => c.json(presentSilence(await getSilence(c.var.ctx.db, c.req.valid('param').id))),
  )
  .delete(
    '/:id',
    describeRoute({ summary: 'Expire a silence now', tags: ['alerts'] }),
    requirePermission('silences:write'),
    validate('param', SilenceParam),
    async (c) => c.json(presentSilence(await expireSilence(c.var.ctx, c.req.valid('param').id))),
  );
