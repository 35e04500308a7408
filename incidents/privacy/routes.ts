import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import type { AppEnv } from '../../platform/index.ts';
import { jsonResponse, requirePermission, validate, WRITE_RESPONSES } from '../../platform/index.ts';
import { ErasureInput, erasePerson } from './erase-person.ts';

const ErasureReportView = z
  .object({
    erasure: z.string().meta({ description: 'E<n>, named in the tombstone' }),
    dryRun: z.boolean(),
    tombstone: z.string(),
    changes: z.array(z.object({ table: z.string(), count: z.int(), ids: z.array(z.string()) })),
    total: z.int(),
  })
  .meta({ id: 'ErasureReport' });

/** /api/privacy/erasure: a data-subject request, dry run first. */
export const privacyRoutes = new Hono<AppEnv>().post(
  '/erasure',
  describeRoute({
    summary: 'Find (dryRun, the default) or erase everywhere a person appears, by e-mail or name',
    description:
      'Replaces each mention with a tombstone such as "[erased 2026-12-05 #E3]", keeping rows and their order; the audit trail is left as it is and records the erasure.',
    tags: ['privacy'],
    responses: { ...WRITE_RESPONSES, 200: jsonResponse('What was found, or changed, per table', ErasureReportView) },
  }),
  requirePermission('privacy:erase'),
  validate('json', ErasureInput),
  async (c) => c.json(await erasePerson(c.var.ctx, c.req.valid('json'))),
);
