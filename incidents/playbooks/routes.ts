import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import type { AppEnv } from '../../platform/index.ts';
import { READ_RESPONSES, requirePermission, validate, WRITE_RESPONSES } from '../../platform/index.ts';
import { deletePlaybook } from './delete-playbook.ts';
import { listPlaybooks } from './list-playbooks.ts';
import { PlaybookInput, ServiceName } from './playbook-input.ts';
import { putPlaybook } from './put-playbook.ts';

const readResponses = { ...READ_RESPONSES, 404: { description: 'No such playbook' } };
const writeResponses = { ...WRITE_RESPONSES, ...readResponses };
const tags = ['playbooks'];
const ServiceParam = z.object({ service: ServiceName });

/** /api/playbooks: the default playbook and per-service ones that new incidents' checklists come from. */
export const playbookRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describeRoute({ summary: 'The default playbook and every per-service playbook', tags, responses: readResponses }),
    requirePermission('incidents:read'),
    async (c) => c.json(await listPlaybooks(c.var.ctx.db)),
  )
  .put(
    '/default',
    describeRoute({ summary: 'Replace the default playbook', tags, responses: writeResponses }),
    requirePermission('playbooks:write'),
    validate('json', PlaybookInput),
    async (c) => c.json(await putPlaybook(c.var.ctx, null, c.req.valid('json'))),
  )
  .put(
    '/services/:service',
    describeRoute({ summary: "Replace a service's playbook (its items are added to the default's)", tags, responses: writeResponses }),
    requirePermission('playbooks:write'),
    validate('param', ServiceParam),
    validate('json', PlaybookInput),
    async (c) => c.json(await putPlaybook(c.var.ctx, c.req.valid('param').service, c.req.valid('json'))),
  )
  .delete(
    '/services/:service',
    describeRoute({ summary: "Remove a service's playbook", tags, responses: writeResponses }),
    requirePermission('playbooks:write'),
    validate('param', ServiceParam),
    async (c) => {
      await deletePlaybook(c.var.ctx, c.req.valid('param').service);
      return c.json({ deleted: c.req.valid('param').service });
    },
  );
