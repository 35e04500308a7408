import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import type { AppEnv } from '../../platform/index.ts';
import { requirePermission, validate } from '../../platform/index.ts';
import { getIncident } from '../get-incident.ts';
import { createdResponses, IncidentParam, readResponses, writeResponses } from '../http.ts';
import { addChecklistItem, NewChecklistItem } from './add-checklist-item.ts';
import { ChecklistItemUpdate, completeChecklistItem } from './complete-checklist-item.ts';
import { listChecklist } from './list-checklist.ts';

const tags = ['incidents'];

/** /api/incidents/{id}/checklist: the exit checklists a phase must finish before the incident moves on. */
export const checklistRoutes = new Hono<AppEnv>()
  .get(
    '/:id/checklist',
    describeRoute({ summary: "The incident's exit checklists, per phase", tags, responses: readResponses }),
    requirePermission('incidents:read'),
    validate('param', IncidentParam),
    async (c) => {
      const incident = await getIncident(c.var.ctx.db, c.req.valid('param').id);
      return c.json({ phase: incident.phase, checklists: await listChecklist(c.var.ctx.db, incident.id) });
    },
  )
  .post(
    '/:id/checklist',
    describeRoute({ summary: "Add an item to one of the incident's exit checklists", tags, responses: createdResponses }),
    requirePermission('incidents:checklist'),
    validate('param', IncidentParam),
    validate('json', NewChecklistItem),
    async (c) => c.json(await addChecklistItem(c.var.ctx, c.req.valid('param').id, c.req.valid('json')), 201),
  )
  .post(
    '/:id/checklist/:itemId',
    describeRoute({ summary: 'Tick (done: true) or untick a checklist item', tags, responses: writeResponses }),
    requirePermission('incidents:checklist'),
    validate('param', IncidentParam.extend({ itemId: z.string().min(1).max(100) })),
    validate('json', ChecklistItemUpdate),
    async (c) => {
      const { id, itemId } = c.req.valid('param');
      return c.json(await completeChecklistItem(c.var.ctx, id, itemId, c.req.valid('json')));
    },
  );
