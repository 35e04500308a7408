import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import type { AppEnv } from '../../platform/index.ts';
import { requirePermission, validate } from '../../platform/index.ts';
import { deleteSlo } from './delete-slo.ts';
import { getServiceHealth, ServiceHealthQuery } from './get-service-health.ts';
import { listIncidentTraces } from './list-incident-traces.ts';
import { listSlos } from './list-slos.ts';
import { putSlo } from './put-slo.ts';
import { SloInput } from './slo-input.ts';

const IncidentParam = z.object({ id: z.string().min(1).max(100) });
const SloParam = z.object({ id: z.uuid() });
const SloListQuery = z.object({ service: z.string().min(1).max(200).optional() });

/** GET /api/services: health per service from its spans, with its SLOs' status. */
export const serviceRoutes = new Hono<AppEnv>().get(
  '/',
  describeRoute({ summary: 'Health per service (rate, error ratio, latency percentiles, SLO status)', tags: ['services'] }),
  requirePermission('services:read'),
  validate('query', ServiceHealthQuery),
  async (c) => c.json({ services: await getServiceHealth(c.var.ctx.db, c.req.valid('query')) }),
);

/** /api/slos: service level objectives. */
export const sloRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describeRoute({ summary: 'List SLOs', tags: ['services'] }),
    requirePermission('services:read'),
    validate('query', SloListQuery),
    async (c) => c.json({ slos: await listSlos(c.var.ctx.db, c.req.valid('query').service) }),
  )
  .put(
    '/',
    describeRoute({ summary: 'Create or replace an SLO (by service and name)', tags: ['services'] }),
    requirePermission('slos:write'),
    validate('json', SloInput),
    async (c) => {
      const { slo, created } = await putSlo(c.var.ctx, c.req.valid('json'));
      return c.json(slo, created ? 201 : 200);
    },
  )
  .delete(
    '/:id',
    describeRoute({ summary: 'Delete an SLO', tags: ['services'] }),
    requirePermission('slos:write'),
    validate('param', SloParam),
    async (c) => {
      await deleteSlo(c.var.ctx, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

/** GET /api/incidents/:id/traces: the error spans that explain an incident. */
export const incidentTraceRoutes = new Hono<AppEnv>().get(
  '/:id/traces',
  describeRoute({ summary: "An incident's traces: error spans of its services over its time range", tags: ['incidents', 'services'] }),
  requirePermission('incidents:read'),
  validate('param', IncidentParam),
  async (c) => c.json(await listIncidentTraces(c.var.ctx.db, c.req.valid('param').id)),
);
