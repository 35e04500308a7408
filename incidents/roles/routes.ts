import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import type { AppEnv } from '../../platform/index.ts';
import { requirePermission, validate } from '../../platform/index.ts';
import { expectedVersionOf, IncidentParam, ifMatchParameter, presentIncident, versionTag, writeResponses } from '../http.ts';
import { AssignRoleInput, assignRole } from './assign-role.ts';
import { ReleaseRoleInput, releaseRole } from './release-role.ts';

const tags = ['incidents'];

/** /api/incidents/{id}/roles: who commands, deputises, scribes and communicates. */
export const roleRoutes = new Hono<AppEnv>()
  .post(
    '/:id/roles',
    describeRoute({
      summary: 'Assign a role (hands over commander, deputy, scribe or communications when held)',
      tags,
      responses: writeResponses,
      parameters: [ifMatchParameter],
    }),
    requirePermission('incidents:assign'),
    validate('param', IncidentParam),
    validate('json', AssignRoleInput),
    async (c) => {
      const input = c.req.valid('json');
      const result = await assignRole(c.var.ctx, c.req.valid('param').id, {
        ...input,
        expectedVersion: expectedVersionOf(c, input.expectedVersion),
      });
      c.header('ETag', versionTag(result.incident.version));
      return c.json({ incident: presentIncident(result.incident), roles: result.roles });
    },
  )
  .post(
    '/:id/roles/release',
    describeRoute({
      summary: 'Release a role from its holder (not the commander: hand it over instead)',
      tags,
      responses: writeResponses,
      parameters: [ifMatchParameter],
    }),
    requirePermission('incidents:assign'),
    validate('param', IncidentParam),
    validate('json', ReleaseRoleInput),
    async (c) => {
      const input = c.req.valid('json');
      const result = await releaseRole(c.var.ctx, c.req.valid('param').id, {
        ...input,
        expectedVersion: expectedVersionOf(c, input.expectedVersion),
      });
      c.header('ETag', versionTag(result.incident.version));
      return c.json({ incident: presentIncident(result.incident), roles: result.roles });
    },
  );
