import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import type { AppEnv } from '../../platform/index.ts';
import { requirePermission, validate } from '../../platform/index.ts';
import { expectedVersionOf, IncidentParam, ifMatchParameter, readResponses, versionTag, writeResponses } from '../http.ts';
import { ApproveRcaInput, approveRca } from './approve-rca.ts';
import { getRca } from './get-rca.ts';
import { RcaInput } from './rca-input.ts';
import type { RootCauseAnalysis } from './schema/root-cause-analyses.ts';
import { writeRca } from './write-rca.ts';

const tags = ['rca'];

/** The analysis as the API shows it: without the keys that identify its writers and approver. */
function presentRca({ authorKey: _author, contributorKeys: _contributors, approvedByKey: _approver, ...rca }: RootCauseAnalysis) {
  return rca;
}

/** /api/incidents/{id}/rca: the root-cause analysis, written by some and approved by another. */
export const rcaRoutes = new Hono<AppEnv>()
  .get(
    '/:id/rca',
    describeRoute({ summary: "The incident's root-cause analysis; ETag is its version", tags, responses: readResponses }),
    requirePermission('incidents:read'),
    validate('param', IncidentParam),
    async (c) => {
      const rca = await getRca(c.var.ctx.db, c.req.valid('param').id);
      c.header('ETag', versionTag(rca.version));
      return c.json(presentRca(rca));
    },
  )
  .put(
    '/:id/rca',
    describeRoute({
      summary: 'Start or edit the root-cause analysis (send the parts that change)',
      tags,
      responses: writeResponses,
      parameters: [ifMatchParameter],
    }),
    requirePermission('rca:write'),
    validate('param', IncidentParam),
    validate('json', RcaInput),
    async (c) => {
      const input = c.req.valid('json');
      const rca = await writeRca(c.var.ctx, c.req.valid('param').id, {
        ...input,
        expectedVersion: expectedVersionOf(c, input.expectedVersion),
      });
      c.header('ETag', versionTag(rca.version));
      return c.json(presentRca(rca));
    },
  )
  .post(
    '/:id/rca/approve',
    describeRoute({
      summary: 'Approve the root-cause analysis (someone who wrote none of it)',
      tags,
      responses: writeResponses,
      parameters: [ifMatchParameter],
    }),
    requirePermission('rca:approve'),
    validate('param', IncidentParam),
    validate('json', ApproveRcaInput),
    async (c) => {
      const input = c.req.valid('json');
      return c.json(
        presentRca(await approveRca(c.var.ctx, c.req.valid('param').id, { expectedVersion: expectedVersionOf(c, input.expectedVersion) })),
      );
    },
  );
