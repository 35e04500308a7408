import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import { requirePermission, validate } from '../platform/index.ts';
import type { AppEnv } from '../platform/index.ts';
import { DeclareIncidentInput, declareIncident } from './declare-incident.ts';
import { getIncident } from './get-incident.ts';
import { incidentReference } from './incident-reference.ts';
import { IncidentListQuery, listIncidents } from './list-incidents.ts';
import { TimelineQuery, listTimeline } from './list-timeline.ts';
import type { Incident } from './schema/incidents.ts';

const IncidentParam = z.object({ id: z.string().min(1).max(100) });

/** The incident as the API shows it: its row plus its human reference. */
export function presentIncident(incident: Incident) {
  return { ...incident, reference: incidentReference(incident) };
}

export const incidentRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describeRoute({ summary: 'List incidents, newest first', tags: ['incidents'] }),
    requirePermission('incidents:read'),
    validate('query', IncidentListQuery),
    async (c) => {
      const page = await listIncidents(c.var.ctx.db, c.req.valid('query'));
      return c.json({ incidents: page.incidents.map(presentIncident), nextCursor: page.nextCursor });
    },
  )
  .post(
    '/',
    describeRoute({ summary: 'Declare an incident', tags: ['incidents'] }),
    requirePermission('incidents:declare'),
    validate('json', DeclareIncidentInput),
    async (c) => c.json(presentIncident(await declareIncident(c.var.ctx, c.req.valid('json'))), 201),
  )
  .get(
    '/:id',
    describeRoute({ summary: 'An incident by id or reference (INC-42)', tags: ['incidents'] }),
    requirePermission('incidents:read'),
    validate('param', IncidentParam),
    async (c) => c.json(presentIncident(await getIncident(c.var.ctx.db, c.req.valid('param').id))),
  )
  .get(
    '/:id/timeline',
    describeRoute({ summary: "An incident's timeline, oldest first", tags: ['incidents'] }),
    requirePermission('incidents:read'),
    validate('param', IncidentParam),
    validate('query', TimelineQuery),
    async (c) => {
      const incident = await getIncident(c.var.ctx.db, c.req.valid('param').id);
      return c.json(await listTimeline(c.var.ctx.db, incident.id, c.req.valid('query')));
    },
  );
