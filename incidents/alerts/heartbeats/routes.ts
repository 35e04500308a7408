import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import type { AppEnv } from '../../../platform/index.ts';
import { jsonResponse, READ_RESPONSES, requirePermission, SEVERITIES, validate, WRITE_RESPONSES } from '../../../platform/index.ts';
import { createHeartbeat } from './create-heartbeat.ts';
import { deleteHeartbeat } from './delete-heartbeat.ts';
import { HeartbeatInput } from './heartbeat-input.ts';
import { getHeartbeat, listHeartbeats } from './list-heartbeats.ts';
import { updateHeartbeat } from './update-heartbeat.ts';

const tags = ['alerts'];
const HeartbeatParam = z.object({ id: z.string().min(1).max(100) });

const HeartbeatView = z.object({
  id: z.uuid(),
  name: z.string(),
  matchers: z.string().describe('Alertmanager matchers, e.g. alertname="Watchdog"'),
  source: z.enum(['alertmanager', 'prometheus']).nullable().describe('the path that must carry it; null: either'),
  intervalSeconds: z.number().int(),
  graceSeconds: z.number().int(),
  severity: z.enum(SEVERITIES),
  origin: z.enum(['api', 'file']),
  state: z.enum(['ok', 'late', 'waiting', 'silent']),
  lastHeardAt: z.string().nullable(),
  nextDueAt: z.string(),
  silentAfter: z.string(),
  incident: z.object({ id: z.uuid(), reference: z.string() }).nullable(),
  createdAt: z.string(),
});

/** /api/heartbeats: dead man's switches for the alerting pipeline. */
export const heartbeatRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describeRoute({
      summary: 'Heartbeats, by name, with when each was last heard and is next due',
      tags,
      responses: { ...READ_RESPONSES, 200: jsonResponse('Every heartbeat', z.object({ heartbeats: z.array(HeartbeatView) })) },
    }),
    requirePermission('alerts:read'),
    async (c) => c.json({ heartbeats: await listHeartbeats(c.var.ctx.db) }),
  )
  .post(
    '/',
    describeRoute({
      summary: 'Add a heartbeat: the matchers of an always-firing alert, its interval and grace',
      tags,
      responses: { ...WRITE_RESPONSES, 201: jsonResponse('The heartbeat, waited for from now', HeartbeatView) },
    }),
    requirePermission('heartbeats:write'),
    validate('json', HeartbeatInput),
    async (c) => c.json(await createHeartbeat(c.var.ctx, c.req.valid('json')), 201),
  )
  .get(
    '/:id',
    describeRoute({
      summary: 'A heartbeat, by id or name',
      tags,
      responses: { ...READ_RESPONSES, 200: jsonResponse('The heartbeat', HeartbeatView) },
    }),
    requirePermission('alerts:read'),
    validate('param', HeartbeatParam),
    async (c) => c.json(await getHeartbeat(c.var.ctx.db, c.req.valid('param').id)),
  )
  .put(
    '/:id',
    describeRoute({
      summary: 'Replace a heartbeat (not one from HEARTBEATS_FILE)',
      tags,
      responses: { ...WRITE_RESPONSES, 200: jsonResponse('The heartbeat, changed', HeartbeatView) },
    }),
    requirePermission('heartbeats:write'),
    validate('param', HeartbeatParam),
    validate('json', HeartbeatInput),
    async (c) => c.json(await updateHeartbeat(c.var.ctx, c.req.valid('param').id, c.req.valid('json'))),
  )
  .delete(
    '/:id',
    describeRoute({
      summary: 'Remove a heartbeat (not one from HEARTBEATS_FILE)',
      tags,
      responses: { ...WRITE_RESPONSES, 200: jsonResponse('The heartbeat removed', HeartbeatView) },
    }),
    requirePermission('heartbeats:write'),
    validate('param', HeartbeatParam),
    async (c) => c.json(await deleteHeartbeat(c.var.ctx, c.req.valid('param').id)),
  );
