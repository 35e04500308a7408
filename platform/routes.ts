import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import {
  AuditCheckpoint,
  AuditCheckpointError,
  AuditQuery,
  createAuditCheckpoint,
  listAuditEntries,
  parseAuditCheckpoint,
  verifyAuditChain,
} from './audit/index.ts';
import { changePassword, PasswordChangeInput, PasswordResetInput, resetPassword } from './auth/password-change.ts';
import { ROLES } from './auth/roles.ts';
import { loginPolicyFrom } from './auth/sessions.ts';
import { createToken, listTokens, revokeToken, TokenInput } from './auth/tokens.ts';
import { createUser, listUsers, UserInput } from './auth/users.ts';
import { migrationStatus, queryRows } from './database/index.ts';
import { InvalidInputError } from './errors.ts';
import type { AppEnv } from './http/index.ts';
import { ANONYMOUS_ACTOR, jsonResponse, requirePermission, validate } from './http/index.ts';
import { TokenView } from './people-routes.ts';
import { collectMetrics, metricsRegistry } from './telemetry/index.ts';

const moment = z.iso.datetime();
const UserView = z
  .object({
    id: z.uuid(),
    email: z.email(),
    name: z.string(),
    role: z.enum(ROLES),
    slackUserId: z.string().nullable(),
  })
  .loose()
  .meta({ id: 'User' });
const AuditVerificationView = z.object({
  ok: z.boolean(),
  entries: z.int(),
  problems: z.array(z.object({ kind: z.string(), position: z.int(), message: z.string() }).loose()),
  checkpointAt: moment.optional(),
  /** Entries 1..prunedThrough were deleted by retention; the chain is verified from the next one. */
  prunedThrough: z.int().optional(),
});
const Check = z.object({ ok: z.boolean(), detail: z.string().optional() });

/** A named check that /readyz reports; a part that cannot deliver says so here. */
export interface ReadinessCheck {
  name: string;
  /** Not ready when a required check fails; optional ones only add detail. */
  required: boolean;
  check(): Promise<{ ok: boolean; detail?: string }>;
}

/** /healthz, /readyz, /metrics, /api/me, tokens, users and the audit trail. */
export function platformRoutes(readiness: ReadinessCheck[] = []) {
  return new Hono<AppEnv>()
    .get(
      '/healthz',
      describeRoute({
        summary: 'The process is up',
        tags: ['operations'],
        responses: { 200: jsonResponse('Up', z.object({ status: z.literal('ok') })) },
      }),
      (c) => c.json({ status: 'ok' }),
    )
    .get(
      '/readyz',
      describeRoute({
        summary: 'The database is reachable and migrated',
        tags: ['operations'],
        responses: {
          200: jsonResponse(
            'Ready; the checks only for a caller with credentials',
            z.object({ status: z.literal('ready'), checks: z.record(z.string(), Check).optional() }),
          ),
          503: jsonResponse(
            'Not ready: the checks say what fails',
            z.object({ status: z.literal('not ready'), checks: z.record(z.string(), Check).optional() }),
          ),
        },
      }),
      async (c) => {
        const { database } = c.var.deps;
        const checks: Record<string, { ok: boolean; detail?: string }> = {};
        try {
          await queryRows(database.db, sql`select 1`);
          const status = await migrationStatus(database);
          checks.database = { ok: true, detail: database.kind };
          checks.migrations = {
            ok: status.applied >= status.known,
            detail: `${status.applied} of ${status.known} applied`,
          };
        } catch (error) {
          checks.database = { ok: false, detail: (error as Error).message };
        }
        let ready = Object.values(checks).every((check) => check.ok);
        for (const extra of readiness) {
          const result = await extra.check().catch((error: Error) => ({ ok: false, detail: error.message }));
          checks[extra.name] = result;
          if (extra.required && !result.ok) ready = false;
        }
        const status = ready ? 'ready' : 'not ready';
        if (!ready) c.var.logger.warn({ checks }, 'not ready');
        // Anyone may ask whether the service is ready; only a caller with credentials sees why (the
        // checks name the configuration and carry the database's own error messages).
        if (c.var.ctx.actor === ANONYMOUS_ACTOR) return c.json({ status }, ready ? 200 : 503);
        return c.json({ status, checks }, ready ? 200 : 503);
      },
    )
    .get(
      '/metrics',
      describeRoute({
        summary: 'Prometheus metrics (firebreak_* and process)',
        tags: ['operations'],
        responses: {
          200: { description: 'The Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } },
        },
      }),
      async (c) => {
        c.header('Content-Type', metricsRegistry.contentType);
        return c.body(await collectMetrics({ db: c.var.deps.database.db, logger: c.var.logger }));
      },
    )
    .get(
      '/api/me',
      describeRoute({
        summary: 'Who the caller is and what they may do',
        tags: ['auth'],
        responses: {
          200: jsonResponse(
            'The caller',
            z.object({
              kind: z.string(),
              id: z.string(),
              name: z.string(),
              role: z.enum(ROLES),
              permissions: z.array(z.string()),
              elevation: z
                .object({ id: z.uuid(), fromRole: z.enum(ROLES), endsAt: moment, reason: z.string() })
                .optional()
                .meta({ description: 'The break-glass elevation the caller acts under, if any: role is the elevated one' }),
            }),
          ),
        },
      }),
      (c) => {
        const { actor } = c.var.ctx;
        return c.json({
          kind: actor.kind,
          id: actor.id,
          name: actor.name,
          role: actor.role,
          permissions: [...actor.permissions].sort(),
          ...(actor.elevation ? { elevation: actor.elevation } : {}),
        });
      },
    )
    .post(
      '/api/me/password',
      describeRoute({
        summary: "Change the caller's own password (current password and an authenticator code)",
        tags: ['auth'],
        responses: {
          200: jsonResponse(
            'Changed; every session of the person ended',
            z.object({ changed: z.literal(true), endedSessions: z.number().int() }),
          ),
        },
      }),
      validate('json', PasswordChangeInput),
      async (c) => {
        const { config, secrets } = c.var.deps;
        const result = await changePassword(c.var.ctx, c.req.valid('json'), loginPolicyFrom(config, secrets), null);
        return c.json({ changed: true as const, ...result });
      },
    )
    .post(
      '/api/users/:id/password-reset',
      describeRoute({
        summary: "Reset a user's password; they must change it at next login",
        tags: ['auth'],
        responses: {
          200: jsonResponse(
            'The temporary password (shown once) and whether Firebreak generated it',
            z.object({ temporaryPassword: z.string(), generated: z.boolean(), email: z.email() }),
          ),
          404: { description: 'No such user' },
        },
      }),
      requirePermission('users:manage'),
      validate('json', PasswordResetInput),
      async (c) => c.json(await resetPassword(c.var.ctx, c.req.param('id'), c.req.valid('json'))),
    )
    .get(
      '/api/tokens',
      describeRoute({
        summary: 'List API tokens (never their values)',
        tags: ['auth'],
        responses: { 200: jsonResponse('Every token, revoked ones too', z.object({ tokens: z.array(TokenView) })) },
      }),
      requirePermission('tokens:manage'),
      async (c) => c.json({ tokens: await listTokens(c.var.ctx) }),
    )
    .post(
      '/api/tokens',
      describeRoute({
        summary: 'Create an API token; the value is shown once',
        tags: ['auth'],
        responses: {
          201: jsonResponse(
            'The token (in token: keep it, it is not shown again) and its summary',
            TokenView.extend({ token: z.string().meta({ example: 'fbk_…' }) }),
          ),
          409: { description: 'A token of that name exists' },
        },
      }),
      requirePermission('tokens:manage'),
      validate('json', TokenInput),
      async (c) => {
        const { token, summary } = await createToken(c.var.ctx, c.req.valid('json'));
        return c.json({ token, ...summary }, 201);
      },
    )
    .delete(
      '/api/tokens/:idOrName',
      describeRoute({
        summary: 'Revoke an API token by id or name',
        tags: ['auth'],
        responses: { 200: jsonResponse('The token, revoked', TokenView), 404: { description: 'No such token' } },
      }),
      requirePermission('tokens:manage'),
      validate('param', z.object({ idOrName: z.string().min(1).max(200) })),
      async (c) => c.json(await revokeToken(c.var.ctx, c.req.valid('param').idOrName)),
    )
    .get(
      '/api/users',
      describeRoute({
        summary: 'List dashboard users',
        tags: ['auth'],
        responses: { 200: jsonResponse('Every user', z.object({ users: z.array(UserView) })) },
      }),
      requirePermission('users:manage'),
      async (c) => c.json({ users: await listUsers(c.var.ctx) }),
    )
    .post(
      '/api/users',
      describeRoute({
        summary: 'Create a dashboard user',
        tags: ['auth'],
        responses: {
          201: jsonResponse('The user; they enrol an authenticator at first login', UserView),
          409: { description: 'The e-mail or Slack id is taken' },
        },
      }),
      requirePermission('users:manage'),
      validate('json', UserInput),
      async (c) => c.json(await createUser(c.var.ctx, c.req.valid('json')), 201),
    )
    .get(
      '/api/audit',
      describeRoute({ summary: 'Audit entries, newest first', tags: ['audit'] }),
      requirePermission('audit:read'),
      validate('query', AuditQuery),
      async (c) => c.json(await listAuditEntries(c.var.ctx.db, c.req.valid('query'))),
    )
    .get(
      '/api/audit/verify',
      describeRoute({
        summary: 'Verify the audit hash chain',
        tags: ['audit'],
        responses: {
          200: jsonResponse('Whether the chain is intact, and each changed, removed or reordered entry', AuditVerificationView),
        },
      }),
      requirePermission('audit:read'),
      async (c) => c.json(await verifyAuditChain(c.var.ctx.db, c.var.ctx.config)),
    )
    .post(
      '/api/audit/verify',
      describeRoute({
        summary: 'Verify the audit hash chain against a checkpoint',
        description:
          'The checkpoint is what POST /api/audit/checkpoints (or `firebreak audit checkpoint`) wrote; 400 if its signature does not match.',
        tags: ['audit'],
        responses: { 200: jsonResponse('As GET, and every entry up to the checkpoint that is missing or differs', AuditVerificationView) },
      }),
      requirePermission('audit:read'),
      validate('json', z.object({ checkpoint: z.unknown() })),
      async (c) => {
        let checkpoint: AuditCheckpoint;
        try {
          checkpoint = parseAuditCheckpoint(JSON.stringify(c.req.valid('json').checkpoint), c.var.ctx.config);
        } catch (error) {
          if (error instanceof AuditCheckpointError) throw new InvalidInputError(`The checkpoint is refused: ${error.message}.`);
          throw error;
        }
        return c.json(await verifyAuditChain(c.var.ctx.db, c.var.ctx.config, { checkpoint }));
      },
    )
    .post(
      '/api/audit/checkpoints',
      describeRoute({
        summary: "Sign the audit chain's head, to keep outside the database",
        tags: ['audit'],
        responses: { 200: jsonResponse('The signed head: last position and hash, number of entries, time, signature', AuditCheckpoint) },
      }),
      requirePermission('audit:read'),
      async (c) => c.json(await createAuditCheckpoint(c.var.ctx.db, c.var.ctx.config)),
    );
}
