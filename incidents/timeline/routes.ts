import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import type { AppEnv } from '../../platform/index.ts';
import { requirePermission, validate } from '../../platform/index.ts';
import { getIncident } from '../get-incident.ts';
import { createdResponses, IncidentParam, readResponses } from '../http.ts';
import { addEvidence, EvidenceInput } from './add-evidence.ts';
import { listTimeline, TimelineQuery } from './list-timeline.ts';

const tags = ['incidents'];

/** /api/incidents/{id}/timeline and /evidence: what happened, in order, and the evidence kept. */
export const timelineRoutes = new Hono<AppEnv>()
  .get(
    '/:id/timeline',
    describeRoute({ summary: "An incident's timeline, oldest first", tags, responses: readResponses }),
    requirePermission('incidents:read'),
    validate('param', IncidentParam),
    validate('query', TimelineQuery),
    async (c) => {
      const incident = await getIncident(c.var.ctx.db, c.req.valid('param').id);
      return c.json(await listTimeline(c.var.ctx.db, incident.id, c.req.valid('query')));
    },
  )
  .post(
    '/:id/evidence',
    describeRoute({ summary: 'Record evidence (title, where it is kept, its SHA-256) on the timeline', tags, responses: createdResponses }),
    requirePermission('incidents:note'),
    validate('param', IncidentParam),
    validate('json', EvidenceInput),
    async (c) => c.json(await addEvidence(c.var.ctx, c.req.valid('param').id, c.req.valid('json')), 201),
  );
