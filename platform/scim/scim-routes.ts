import type { Context } from 'hono';
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import type { AppEnv } from '../http/index.ts';
import { requirePermission, validate } from '../http/index.ts';
import type { User } from '../schema/users.ts';
import {
  createScimUser,
  deleteScimUser,
  getScimUser,
  listScimUsers,
  patchScimUser,
  replaceScimUser,
  versionFromEtag,
} from './provision-user.ts';
import { readScimBody } from './scim-body.ts';
import { scimRefusal } from './scim-error.ts';
import { ScimPatchBody } from './scim-patch.ts';
import {
  LIST_RESPONSE_SCHEMA,
  MAX_RESULTS,
  resourceTypeDocuments,
  SCIM_CONTENT_TYPE,
  schemaDocuments,
  serviceProviderConfig,
} from './scim-schemas.ts';
import { etagOf, toScimUser } from './scim-user.ts';

/** Where SCIM is served; identity providers are given PUBLIC_URL + this as the tenant or base URL. */
export const SCIM_BASE_PATH = '/scim/v2';

const baseUrlOf = (c: Context<AppEnv>) => `${c.var.deps.config.publicUrl.replace(/\/$/, '')}${SCIM_BASE_PATH}`;

function scimJson(c: Context<AppEnv>, body: unknown, status: 200 | 201 = 200, user?: User): Response {
  return c.body(JSON.stringify(body), status, {
    'content-type': SCIM_CONTENT_TYPE,
    ...(user ? { etag: etagOf(user) } : {}),
  });
}

/** RFC 7644 §3.4.2: a page of resources. */
function listResponse(resources: unknown[], totalResults: number, startIndex = 1) {
  return { schemas: [LIST_RESPONSE_SCHEMA], totalResults, itemsPerPage: resources.length, startIndex, Resources: resources };
}

const scimResponse = (description: string) => ({
  description,
  content: { 'application/scim+json': { schema: { type: 'object' as const } } },
});

// SCIM bodies are read by readScimBody (a missing Content-Type is JSON too), so they are documented here.
const scimRequestBody = {
  required: true,
  content: { 'application/scim+json': { schema: { type: 'object' as const } } },
};

const IdParam = z.object({ id: z.string().min(1).max(100) });
const ListQuery = z.object({
  filter: z.string().max(1000).optional(),
  startIndex: z.string().max(10).optional(),
  count: z.string().max(10).optional(),
});

/** RFC 7644 §3.4.2.4: startIndex below 1 is read as 1; count below 0 as 0, and above the maximum as the maximum. */
function pageOf(query: z.infer<typeof ListQuery>): { startIndex: number; count: number } {
  const number = (value: string | undefined, name: string, fallback: number) => {
    if (value === undefined || value === '') return fallback;
    if (!/^-?\d+$/.test(value)) throw scimRefusal(`${name}: must be an integer.`, 'invalidValue');
    return Number(value);
  };
  return {
    startIndex: Math.max(1, number(query.startIndex, 'startIndex', 1)),
    count: Math.min(MAX_RESULTS, Math.max(0, number(query.count, 'count', 100))),
  };
}

/** SCIM 2.0 (RFC 7643, RFC 7644) for identity providers: Users, and the discovery endpoints. Needs a scim token. */
export const scimRoutes = new Hono<AppEnv>()
  .use(requirePermission('scim:provision'))
  .get(
    '/ServiceProviderConfig',
    describeRoute({
      summary: 'SCIM: what this service provider supports',
      tags: ['scim'],
      responses: { 200: scimResponse('The configuration') },
    }),
    (c) => scimJson(c, serviceProviderConfig(baseUrlOf(c))),
  )
  .get(
    '/ResourceTypes',
    describeRoute({ summary: 'SCIM: the resource types (User)', tags: ['scim'], responses: { 200: scimResponse('A list response') } }),
    (c) => {
      const resources = resourceTypeDocuments(baseUrlOf(c));
      return scimJson(c, listResponse(resources, resources.length));
    },
  )
  .get(
    '/Schemas',
    describeRoute({ summary: 'SCIM: the schemas of a User', tags: ['scim'], responses: { 200: scimResponse('A list response') } }),
    (c) => {
      const resources = schemaDocuments(baseUrlOf(c));
      return scimJson(c, listResponse(resources, resources.length));
    },
  )
  .get(
    '/Users',
    describeRoute({
      summary: 'SCIM: list or find people (filter=userName eq "…", startIndex, count)',
      tags: ['scim'],
      responses: { 200: scimResponse('A list response') },
    }),
    validate('query', ListQuery),
    async (c) => {
      const query = c.req.valid('query');
      const page = pageOf(query);
      const found = await listScimUsers(c.var.ctx, { filter: query.filter, ...page });
      const base = baseUrlOf(c);
      return scimJson(
        c,
        listResponse(
          found.users.map((user) => toScimUser(user, base)),
          found.totalResults,
          page.startIndex,
        ),
      );
    },
  )
  .post(
    '/Users',
    describeRoute({
      summary: 'SCIM: provision a person',
      tags: ['scim'],
      requestBody: scimRequestBody,
      responses: { 201: scimResponse('The User') },
    }),
    async (c) => {
      const user = await createScimUser(c.var.ctx, await readScimBody(c));
      const resource = toScimUser(user, baseUrlOf(c));
      c.header('location', resource.meta.location);
      return scimJson(c, resource, 201, user);
    },
  )
  .get(
    '/Users/:id',
    describeRoute({ summary: 'SCIM: one person', tags: ['scim'], responses: { 200: scimResponse('The User') } }),
    validate('param', IdParam),
    async (c) => {
      const user = await getScimUser(c.var.ctx, c.req.valid('param').id);
      return scimJson(c, toScimUser(user, baseUrlOf(c)), 200, user);
    },
  )
  .put(
    '/Users/:id',
    describeRoute({
      summary: 'SCIM: replace a person (active false ends their sessions and tokens at once)',
      tags: ['scim'],
      requestBody: scimRequestBody,
      responses: { 200: scimResponse('The User') },
    }),
    validate('param', IdParam),
    async (c) => {
      const version = versionFromEtag(c.req.header('if-match'));
      const user = await replaceScimUser(c.var.ctx, c.req.valid('param').id, await readScimBody(c), version);
      return scimJson(c, toScimUser(user, baseUrlOf(c)), 200, user);
    },
  )
  .patch(
    '/Users/:id',
    describeRoute({
      summary: 'SCIM: change a person (PatchOp; active false ends their sessions and tokens at once)',
      tags: ['scim'],
      requestBody: scimRequestBody,
      responses: { 200: scimResponse('The User') },
    }),
    validate('param', IdParam),
    async (c) => {
      const parsed = ScimPatchBody.safeParse(await readScimBody(c));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw scimRefusal(`${issue?.path.map(String).join('.') || 'body'}: ${issue?.message ?? 'invalid'}.`, 'invalidSyntax');
      }
      const version = versionFromEtag(c.req.header('if-match'));
      const user = await patchScimUser(c.var.ctx, c.req.valid('param').id, parsed.data, version);
      return scimJson(c, toScimUser(user, baseUrlOf(c)), 200, user);
    },
  )
  .delete(
    '/Users/:id',
    describeRoute({
      summary: 'SCIM: remove a person (their access ends; the record stays for the audit trail)',
      tags: ['scim'],
      responses: { 204: { description: 'Removed' } },
    }),
    validate('param', IdParam),
    async (c) => {
      await deleteScimUser(c.var.ctx, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
