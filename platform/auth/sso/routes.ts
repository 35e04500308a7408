import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import type { AppEnv } from '../../http/index.ts';
import { jsonResponse, requirePermission, validate } from '../../http/index.ts';
import { IDENTITY_PROVIDER_KINDS, IDENTITY_PROVIDER_SOURCES } from '../../schema/identity-providers.ts';
import { ROLES } from '../roles.ts';
import { secretBoxFrom } from '../secret-box.ts';
import { IdentityProviderInput } from './identity-provider-input.ts';
import {
  createIdentityProvider,
  deleteIdentityProvider,
  getIdentityProvider,
  listIdentityProviders,
  updateIdentityProvider,
} from './identity-providers.ts';

const moment = z.iso.datetime();
const IdentityProviderView = z
  .object({
    id: z.uuid(),
    name: z.string(),
    label: z.string(),
    kind: z.enum(IDENTITY_PROVIDER_KINDS),
    domains: z.array(z.string()),
    settings: z
      .record(z.string(), z.unknown())
      .meta({ description: 'The kind\'s settings; for OIDC the client secret is never answered, only "clientSecretSet"' }),
    defaultRole: z.enum(ROLES),
    groupRoles: z.record(z.string(), z.enum(ROLES)),
    enabled: z.boolean(),
    source: z.enum(IDENTITY_PROVIDER_SOURCES).meta({ description: '"file": defined in SSO_CONFIG_FILE, read-only here' }),
    version: z.int(),
    createdAt: moment,
    updatedAt: moment,
    serviceProvider: z
      .object({ redirectUri: z.url(), acsUrl: z.url(), metadataUrl: z.url(), spEntityId: z.string() })
      .meta({ description: "Firebreak's addresses to enter at the identity provider" }),
  })
  .meta({ id: 'IdentityProvider' });
const IdOrName = z.object({ idOrName: z.string().min(1).max(200) });

/** /api/identity-providers: single sign-on providers (admins; users:manage). */
export const identityProviderRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describeRoute({
      summary: 'List identity providers (never their secrets)',
      tags: ['auth'],
      responses: { 200: jsonResponse('Every provider', z.object({ identityProviders: z.array(IdentityProviderView) })) },
    }),
    requirePermission('users:manage'),
    async (c) => c.json({ identityProviders: await listIdentityProviders(c.var.ctx) }),
  )
  .post(
    '/',
    describeRoute({
      summary: 'Add an identity provider (OIDC or SAML)',
      tags: ['auth'],
      responses: {
        201: jsonResponse('The provider, with the addresses to enter at the identity provider', IdentityProviderView),
        409: { description: 'The name is taken, or a domain belongs to another provider' },
      },
    }),
    requirePermission('users:manage'),
    validate('json', IdentityProviderInput),
    async (c) => {
      const secrets = c.var.deps.secrets ?? secretBoxFrom(c.var.deps.config);
      return c.json(await createIdentityProvider(c.var.ctx, secrets, c.req.valid('json')), 201);
    },
  )
  .get(
    '/:idOrName',
    describeRoute({
      summary: 'One identity provider, by id or name',
      tags: ['auth'],
      responses: { 200: jsonResponse('The provider', IdentityProviderView), 404: { description: 'No such provider' } },
    }),
    requirePermission('users:manage'),
    validate('param', IdOrName),
    async (c) => c.json(await getIdentityProvider(c.var.ctx, c.req.valid('param').idOrName)),
  )
  .put(
    '/:idOrName',
    describeRoute({
      summary: "Replace an identity provider's settings (a client secret left out stays)",
      tags: ['auth'],
      responses: {
        200: jsonResponse('The provider', IdentityProviderView),
        404: { description: 'No such provider' },
        409: { description: 'Defined in SSO_CONFIG_FILE, changed meanwhile, or a domain belongs to another provider' },
      },
    }),
    requirePermission('users:manage'),
    validate('param', IdOrName),
    validate('json', IdentityProviderInput),
    async (c) => {
      const secrets = c.var.deps.secrets ?? secretBoxFrom(c.var.deps.config);
      return c.json(await updateIdentityProvider(c.var.ctx, secrets, c.req.valid('param').idOrName, c.req.valid('json')));
    },
  )
  .delete(
    '/:idOrName',
    describeRoute({
      summary: 'Remove an identity provider; its people can no longer sign in through it',
      tags: ['auth'],
      responses: {
        200: jsonResponse('The provider, removed', IdentityProviderView),
        404: { description: 'No such provider' },
        409: { description: 'Defined in SSO_CONFIG_FILE' },
      },
    }),
    requirePermission('users:manage'),
    validate('param', IdOrName),
    async (c) => c.json(await deleteIdentityProvider(c.var.ctx, c.req.valid('param').idOrName)),
  );
