import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import { ROLES } from './auth/roles.ts';
import { createOwnToken, listOwnTokens, OwnTokenInput, revokeOwnToken } from './auth/tokens.ts';
import { getOwnProfile, getUser, ProfileInput, UserUpdateInput, updateOwnProfile, updateUser } from './auth/update-user.ts';
import { NotFoundError } from './errors.ts';
import type { AppEnv } from './http/index.ts';
import { jsonResponse, requirePermission, validate } from './http/index.ts';

const moment = z.iso.datetime();

export const TokenView = z
  .object({
    id: z.uuid(),
    name: z.string(),
    role: z.enum(ROLES),
    prefix: z.string().meta({ description: 'The first characters of the token, to tell tokens apart' }),
    createdBy: z.string().nullable(),
    createdAt: moment,
    lastUsedAt: moment.nullable(),
    revokedAt: moment.nullable(),
    expiresAt: moment.nullable().meta({ description: 'After this the token answers 401 token_expired; null: never' }),
    ownerUserId: z.uuid().nullable().meta({ description: 'The person the token acts for; null for a service token' }),
    ownerEmail: z.email().nullable(),
    service: z.string().nullable().meta({ description: 'The service a service token belongs to' }),
    kind: z.enum(['person', 'service']).meta({
      description: "A person's token acts with at most its owner's role now; a service token belongs to nobody and can never approve",
    }),
  })
  .meta({ id: 'Token' });

export const PersonView = z
  .object({
    id: z.uuid(),
    email: z.email(),
    name: z.string(),
    role: z.enum(ROLES),
    slackUserId: z.string().nullable(),
    disabledAt: moment.nullable(),
    version: z
      .int()
      .meta({ description: 'Send it back with a change to have it refused (409 stale_version) if someone changed the person since' }),
  })
  .loose()
  .meta({ id: 'Person' });

const IdParam = z.object({ id: z.string().min(1).max(100) });

/** Managing people (PATCH /api/users/{id}), self-service (/api/me), and a person's own tokens. */
export function peopleRoutes() {
  return new Hono<AppEnv>()
    .get(
      '/api/users/:id',
      describeRoute({
        summary: 'One person',
        tags: ['auth'],
        responses: { 200: jsonResponse('The person', PersonView), 404: { description: 'No such person' } },
      }),
      requirePermission('users:manage'),
      validate('param', IdParam),
      async (c) => c.json(await getUser(c.var.ctx, c.req.valid('param').id)),
    )
    .patch(
      '/api/users/:id',
      describeRoute({
        summary: "Change a person's role, name, e-mail, Slack id or state",
        description:
          'Disabling ends their sessions and revokes their tokens at once. Send `version` (from a read) to have the change refused with 409 stale_version if someone changed the person since.',
        tags: ['auth'],
        responses: {
          200: jsonResponse('The person as changed', PersonView),
          404: { description: 'No such person' },
          409: { description: 'The e-mail or Slack id is taken, or the version is stale' },
        },
      }),
      requirePermission('users:manage'),
      validate('param', IdParam),
      validate('json', UserUpdateInput),
      async (c) => c.json(await updateUser(c.var.ctx, c.req.valid('param').id, c.req.valid('json'))),
    )
    .get(
      '/api/me/profile',
      describeRoute({
        summary: "The caller's own account",
        tags: ['auth'],
        responses: { 200: jsonResponse('The person', PersonView), 404: { description: 'The caller is a service, not a person' } },
      }),
      async (c) => {
        const profile = await getOwnProfile(c.var.ctx);
        if (!profile) throw new NotFoundError('Only a person has an account; this caller is a service token.');
        return c.json(profile);
      },
    )
    .patch(
      '/api/me',
      describeRoute({
        summary: "Change the caller's own name or Slack id",
        tags: ['auth'],
        responses: {
          200: jsonResponse('The person as changed', PersonView),
          409: { description: 'The Slack id is taken, or the version is stale' },
        },
      }),
      validate('json', ProfileInput),
      async (c) => c.json(await updateOwnProfile(c.var.ctx, c.req.valid('json'))),
    )
    .get(
      '/api/me/tokens',
      describeRoute({
        summary: "The caller's own tokens (never their values)",
        tags: ['auth'],
        responses: { 200: jsonResponse('Their tokens, revoked and expired ones too', z.object({ tokens: z.array(TokenView) })) },
      }),
      async (c) => c.json({ tokens: await listOwnTokens(c.var.ctx) }),
    )
    .post(
      '/api/me/tokens',
      describeRoute({
        summary: 'Make a token of your own; the value is shown once',
        description: `It acts for you with at most your role (now, not when it was made), and expires (90 days unless asked otherwise; at most TOKEN_MAX_DAYS).`,
        tags: ['auth'],
        responses: {
          201: jsonResponse(
            'The token (in token: keep it, it is not shown again) and its summary',
            TokenView.extend({ token: z.string() }),
          ),
        },
      }),
      validate('json', OwnTokenInput),
      async (c) => {
        const { token, summary } = await createOwnToken(c.var.ctx, c.req.valid('json'));
        return c.json({ token, ...summary }, 201);
      },
    )
    .delete(
      '/api/me/tokens/:id',
      describeRoute({
        summary: 'Revoke one of your own tokens',
        tags: ['auth'],
        responses: { 200: jsonResponse('The token, revoked', TokenView), 404: { description: 'You have no such live token' } },
      }),
      validate('param', IdParam),
      async (c) => c.json(await revokeOwnToken(c.var.ctx, c.req.valid('param').id)),
    );
}
