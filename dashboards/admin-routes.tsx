import { Hono } from 'hono';
import type { LoginPolicy } from '../platform/index.ts';
import {
  AuditQuery,
  assertPermission,
  createToken,
  createUser,
  ForbiddenError,
  InvalidInputError,
  listAuditEntries,
  listTokens,
  listUsers,
  revokeToken,
  TokenInput,
  UserInput,
  UserUpdateInput,
  updateUser,
  verifyAuditChain,
} from '../platform/index.ts';
import type { DashboardEnv } from './http.tsx';
import { field, parseForm, renderError, renderPage, requireViewer } from './http.tsx';
import { outboxAdminRoutes } from './outbox-routes.tsx';
import type { AuditFilters } from './views/admin/audit-page.tsx';
import { AuditPage } from './views/admin/audit-page.tsx';
import { AdminIndexPage } from './views/admin/nav.tsx';
import { TokensPage } from './views/admin/tokens-page.tsx';
import { UsersPage } from './views/admin/users-page.tsx';
import { can } from './views/layout.tsx';

const USER_NOTICES: Record<string, string> = {
  created: 'User created: they enrol an authenticator at first login.',
  updated: 'User updated.',
};
const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** /admin: users and roles, API tokens, the audit log, dead outbox messages. Each page checks its permission. */
export function adminRoutes(policy: LoginPolicy) {
  return new Hono<DashboardEnv>()
    .use(requireViewer(policy))
    .get('/', (c) => {
      const viewer = c.var.viewer;
      if (
        !['users:manage', 'tokens:manage', 'audit:read', 'notifications:retry'].some((permission) =>
          can(viewer, permission as Parameters<typeof can>[1]),
        )
      ) {
        throw new ForbiddenError(`Role "${viewer.actor.role}" has no admin pages.`);
      }
      return renderPage(c, <AdminIndexPage viewer={viewer} />);
    })
    .get('/users', async (c) => {
      const users = await listUsers(c.var.ctx);
      return renderPage(c, <UsersPage viewer={c.var.viewer} users={users} notice={USER_NOTICES[c.req.query('done') ?? ''] ?? null} />);
    })
    .post('/users', async (c) => {
      const form = await c.req.parseBody();
      try {
        const input = parseForm(UserInput, {
          email: field(form, 'email'),
          name: field(form, 'name'),
          role: field(form, 'role'),
          password: typeof form.password === 'string' ? form.password : '',
          slackUserId: blankToUndefined(field(form, 'slackUserId')),
        });
        await createUser(c.var.ctx, input);
      } catch (error) {
        if (error instanceof InvalidInputError || (error instanceof Error && 'status' in error && error.status === 409)) {
          return renderPage(
            c,
            <UsersPage viewer={c.var.viewer} users={await listUsers(c.var.ctx)} error={error.message} />,
            error instanceof InvalidInputError ? 400 : 409,
          );
        }
        throw error;
      }
      return c.redirect('/admin/users?done=created', 303);
    })
    .post('/users/:id', async (c) => {
      const form = await c.req.parseBody();
      const operation = field(form, 'operation');
      try {
        const input = parseForm(UserUpdateInput, {
          role: blankToUndefined(field(form, 'role')),
          disabled: operation === 'disable' ? true : operation === 'enable' ? false : undefined,
          resetAuthenticator: operation === 'reset-mfa' ? true : undefined,
          unlock: operation === 'unlock' ? true : undefined,
        });
        await updateUser(c.var.ctx, c.req.param('id'), input);
      } catch (error) {
        if (error instanceof InvalidInputError) {
          return renderPage(c, <UsersPage viewer={c.var.viewer} users={await listUsers(c.var.ctx)} error={error.message} />, 400);
        }
        throw error;
      }
      return c.redirect('/admin/users?done=updated', 303);
    })
    .get('/tokens', async (c) => renderPage(c, <TokensPage viewer={c.var.viewer} tokens={await listTokens(c.var.ctx)} />))
    .post('/tokens', async (c) => {
      const form = await c.req.parseBody();
      try {
        const input = parseForm(TokenInput, { name: field(form, 'name'), role: field(form, 'role') });
        const { token } = await createToken(c.var.ctx, input);
        // Shown in this response only (not a redirect): the value is never stored or shown again.
        return renderPage(
          c,
          <TokensPage viewer={c.var.viewer} tokens={await listTokens(c.var.ctx)} created={{ name: input.name, token }} />,
          200,
        );
      } catch (error) {
        if (error instanceof InvalidInputError)
          return renderPage(c, <TokensPage viewer={c.var.viewer} tokens={await listTokens(c.var.ctx)} error={error.message} />, 400);
        throw error;
      }
    })
    .post('/tokens/:id/revoke', async (c) => {
      await revokeToken(c.var.ctx, c.req.param('id'));
      return c.redirect('/admin/tokens', 303);
    })
    .get('/audit', async (c) => {
      assertPermission(c.var.ctx.actor, 'audit:read');
      const raw = Object.fromEntries(Object.entries(c.req.query()).filter(([, value]) => value !== ''));
      const query = parseForm(AuditQuery, { ...raw, limit: 100 });
      const filters: AuditFilters = {
        actorId: query.actorId,
        action: query.action,
        targetType: query.targetType,
        targetId: query.targetId,
      };
      const [page, verification] = await Promise.all([
        listAuditEntries(c.var.ctx.db, query),
        c.req.query('verify') === '1' ? verifyAuditChain(c.var.ctx.db) : Promise.resolve(null),
      ]);
      return renderPage(
        c,
        <AuditPage
          viewer={c.var.viewer}
          entries={page.entries}
          nextBefore={page.nextBefore}
          filters={filters}
          verification={verification}
        />,
      );
    })
    .route('/outbox', outboxAdminRoutes())
    .onError(renderError);
}
