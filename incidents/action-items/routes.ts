import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import type { AppEnv } from '../../platform/index.ts';
import { requirePermission, validate } from '../../platform/index.ts';
import { getIncident } from '../get-incident.ts';
import { createdResponses, IncidentParam, readResponses, writeResponses } from '../http.ts';
import { ActionItemUpdate, NewActionItem } from './action-item-input.ts';
import { createActionItem } from './create-action-item.ts';
import { listActionItems } from './list-action-items.ts';
import { updateActionItem } from './update-action-item.ts';

const tags = ['rca'];

/** /api/incidents/{id}/action-items: what the analysis says must change, each with an owner and a due date. */
export const actionItemRoutes = new Hono<AppEnv>()
  .get(
    '/:id/action-items',
    describeRoute({ summary: "The incident's action items", tags, responses: readResponses }),
    requirePermission('incidents:read'),
    validate('param', IncidentParam),
    async (c) => {
      const incident = await getIncident(c.var.ctx.db, c.req.valid('param').id);
      return c.json({ actionItems: await listActionItems(c.var.ctx.db, incident.id) });
    },
  )
  .post(
    '/:id/action-items',
    describeRoute({ summary: 'Add an action item (owner, due date); overdue ones are reminded', tags, responses: createdResponses }),
    requirePermission('rca:write'),
    validate('param', IncidentParam),
    validate('json', NewActionItem),
    async (c) => c.json(await createActionItem(c.var.ctx, c.req.valid('param').id, c.req.valid('json')), 201),
  )
  .patch(
    '/:id/action-items/:itemId',
    describeRoute({ summary: 'Change an action item (status, owner, due date, ...)', tags, responses: writeResponses }),
    requirePermission('rca:write'),
    validate('param', IncidentParam.extend({ itemId: z.string().min(1).max(100) })),
    validate('json', ActionItemUpdate),
    async (c) => {
      const { id, itemId } = c.req.valid('param');
      return c.json(await updateActionItem(c.var.ctx, id, itemId, c.req.valid('json')));
    },
  );
