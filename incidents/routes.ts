import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import type { AppEnv } from '../platform/index.ts';
import { jsonResponse, requirePermission, validate } from '../platform/index.ts';
import { AcknowledgeInput, acknowledgeIncident } from './acknowledge-incident.ts';
import { actionItemRoutes } from './action-items/index.ts';
import { changeSeverity, SeverityInput } from './change-severity.ts';
import { CloseInput, closeIncident } from './close-incident.ts';
import { DeclareIncidentInput, declareIncident } from './declare-incident.ts';
import { editIncident, IncidentEdit } from './edit-incident.ts';
import { getIncidentDetail } from './get-incident-detail.ts';
import {
  createdResponses,
  expectedVersionOf,
  IncidentParam,
  IncidentView,
  ifMatchParameter,
  incidentWriteResponses,
  presentIncident,
  readResponses,
  versionTag,
} from './http.ts';
import { IncidentListQuery, listIncidents } from './list-incidents.ts';
import { noteRoutes } from './notes/index.ts';
import { checklistRoutes } from './playbooks/index.ts';
import { rcaRoutes } from './rca/index.ts';
import { reportRoutes } from './reports/index.ts';
import { roleRoutes } from './roles/index.ts';
import { timelineRoutes } from './timeline/index.ts';
import { TransitionInput, transitionPhase } from './transition-phase.ts';

const tags = ['incidents'];

/** The lifecycle itself: list, declare, read, correct, acknowledge, move through the phases, close. */
const lifecycleRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describeRoute({
      summary: 'List incidents, newest first',
      tags,
      responses: {
        ...readResponses,
        200: jsonResponse(
          'A page of incidents; pass nextCursor as cursor for the next one',
          z.object({ incidents: z.array(IncidentView), nextCursor: z.string().nullable() }),
        ),
      },
    }),
    requirePermission('incidents:read'),
    validate('query', IncidentListQuery),
    async (c) => {
      const page = await listIncidents(c.var.ctx.db, c.req.valid('query'));
      return c.json({ incidents: page.incidents.map(presentIncident), nextCursor: page.nextCursor });
    },
  )
  .post(
    '/',
    describeRoute({
      summary: 'Declare an incident',
      tags,
      responses: {
        ...createdResponses,
        201: jsonResponse('The incident declared', IncidentView),
      },
    }),
    requirePermission('incidents:declare'),
    validate('json', DeclareIncidentInput),
    async (c) => c.json(presentIncident(await declareIncident(c.var.ctx, c.req.valid('json'))), 201),
  )
  .get(
    '/:id',
    describeRoute({
      summary: 'An incident by id or reference (INC-42), with its roles and response figures; ETag is its version',
      tags,
      responses: {
        ...readResponses,
        200: jsonResponse(
          'The incident with its commander, roles, response figures, current checklist, what blocks the next phase, analysis and action items',
          IncidentView.extend({
            commander: z.unknown(),
            roles: z.array(z.unknown()),
            figures: z.unknown(),
            currentChecklist: z.unknown(),
            nextPhase: IncidentView.shape.phase.nullable(),
            blockers: z.array(z.string()),
            rca: z.unknown(),
            actionItems: z.array(z.unknown()),
          }),
        ),
      },
    }),
    requirePermission('incidents:read'),
    validate('param', IncidentParam),
    async (c) => {
      const detail = await getIncidentDetail(c.var.ctx.db, c.req.valid('param').id);
      c.header('ETag', versionTag(detail.incident.version));
      return c.json({
        ...presentIncident(detail.incident),
        commander: detail.commander,
        roles: detail.roles,
        figures: detail.figures,
        currentChecklist: detail.currentChecklist,
        nextPhase: detail.nextPhase,
        blockers: detail.blockers,
        rca: detail.rca,
        actionItems: detail.actionItems,
      });
    },
  )
  .patch(
    '/:id',
    describeRoute({
      summary: 'Correct the title, summary, services or labels',
      tags,
      responses: incidentWriteResponses,
      parameters: [ifMatchParameter],
    }),
    requirePermission('incidents:update'),
    validate('param', IncidentParam),
    validate('json', IncidentEdit),
    async (c) => {
      const input = c.req.valid('json');
      const incident = await editIncident(c.var.ctx, c.req.valid('param').id, {
        ...input,
        expectedVersion: expectedVersionOf(c, input.expectedVersion),
      });
      c.header('ETag', versionTag(incident.version));
      return c.json(presentIncident(incident));
    },
  )
  .post(
    '/:id/acknowledge',
    describeRoute({ summary: 'Acknowledge an incident (idempotent)', tags, responses: incidentWriteResponses }),
    requirePermission('incidents:acknowledge'),
    validate('param', IncidentParam),
    validate('json', AcknowledgeInput),
    async (c) => c.json(presentIncident(await acknowledgeIncident(c.var.ctx, c.req.valid('param').id, c.req.valid('json')))),
  )
  .post(
    '/:id/phase',
    describeRoute({
      summary:
        'Move to another phase: forward one at a time with the exit checklist done (or override with a reason), backward with a reason',
      tags,
      responses: incidentWriteResponses,
      parameters: [ifMatchParameter],
    }),
    requirePermission('incidents:transition'),
    validate('param', IncidentParam),
    validate('json', TransitionInput),
    async (c) => {
      const input = c.req.valid('json');
      const incident = await transitionPhase(c.var.ctx, c.req.valid('param').id, {
        ...input,
        expectedVersion: expectedVersionOf(c, input.expectedVersion),
      });
      c.header('ETag', versionTag(incident.version));
      return c.json(presentIncident(incident));
    },
  )
  .post(
    '/:id/severity',
    describeRoute({ summary: 'Change the severity', tags, responses: incidentWriteResponses, parameters: [ifMatchParameter] }),
    requirePermission('incidents:update'),
    validate('param', IncidentParam),
    validate('json', SeverityInput),
    async (c) => {
      const input = c.req.valid('json');
      const incident = await changeSeverity(c.var.ctx, c.req.valid('param').id, {
        ...input,
        expectedVersion: expectedVersionOf(c, input.expectedVersion),
      });
      c.header('ETag', versionTag(incident.version));
      return c.json(presentIncident(incident));
    },
  )
  .post(
    '/:id/close',
    describeRoute({
      summary: 'Close the incident once its analysis is approved',
      tags,
      responses: incidentWriteResponses,
      parameters: [ifMatchParameter],
    }),
    requirePermission('incidents:transition'),
    validate('param', IncidentParam),
    validate('json', CloseInput),
    async (c) => {
      const input = c.req.valid('json');
      const incident = await closeIncident(c.var.ctx, c.req.valid('param').id, {
        ...input,
        expectedVersion: expectedVersionOf(c, input.expectedVersion),
      });
      c.header('ETag', versionTag(incident.version));
      return c.json(presentIncident(incident));
    },
  );

/**
 * Everything under /api/incidents. The report routes come first: their /figures would otherwise be
 * taken for an incident id by the lifecycle's /:id.
 */
export const incidentRoutes = new Hono<AppEnv>()
  .route('/', reportRoutes)
  .route('/', lifecycleRoutes)
  .route('/', timelineRoutes)
  .route('/', noteRoutes)
  .route('/', roleRoutes)
  .route('/', checklistRoutes)
  .route('/', rcaRoutes)
  .route('/', actionItemRoutes);
