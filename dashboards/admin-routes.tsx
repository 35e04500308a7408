import { Hono } from 'hono';
import type { LoginPolicy } from '../platform/index.ts';
import {
  AuditQuery,
  assertPermission,
  createToken,
  createUser,
  DomainError,
  ForbiddenError,
  listAuditEntries,
  listTokens,
  listUsers,
  PasswordResetInput,
  resetPassword,
  revokeToken,
  TokenInput,
  UserInput,
  UserUpdateInput,
  updateUser,
  verifyAuditChain,
} from '../platform/index.ts';
import { accessReviewAdminRoutes } from './access-review-routes.tsx';
import { backupAdminRoutes } from './backup-routes.tsx';
import { exportAdminRoutes, privacyAdminRoutes } from './data-routes.tsx';
import { elevationAdminRoutes } from './elevation-routes.tsx';
import { describeRefusal, rememberRefusal, submitForm, takeRefusal, typedValues } from './form-refusals.ts';
import type { DashboardEnv } from './http.tsx';
import { field, parseForm, renderError, renderPage, requireViewer } from './http.tsx';
import { outboxAdminRoutes } from './outbox-routes.tsx';
import { peopleAdminRoutes } from './people-routes.tsx';
import type { AuditFilters } from './views/admin/audit-page.tsx';
import { AuditPage } from './views/admin/audit-page.tsx';
import { AdminIndexPage } from './views/admin/nav.tsx';
import { TokensPage } from './views/admin/tokens-page.tsx';
import { UsersPage } from './views/admin/users-page.tsx';
import { RefusedFormContext } from './views/form-fields.tsx';
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
        !['users:manage', 'tokens:manage', 'audit:read', 'notifications:retry', 'backups:manage'].some((permission) =>
          can(viewer, permission as Parameters<typeof can>[1]),
        )
      ) {
        throw new ForbiddenError(`Role "${viewer.actor.role}" has no admin pages.`);
      }
      return renderPage(c, <AdminIndexPage viewer={viewer} />);
    })
    .get('/users', async (c) => {
      const [users, refused] = await Promise.all([listUsers(c.var.ctx), takeRefusal(c, c.req.path)]);
      return renderPage(
        c,
        <RefusedFormContext.Provider value={refused}>
          <UsersPage
            viewer={c.var.viewer}
            users={users}
            error={refused?.message ?? null}
            notice={refused ? null : (USER_NOTICES[c.req.query('done') ?? ''] ?? null)}
          />
        </RefusedFormContext.Provider>,
      );
    })
    .post('/users', (c) =>
      submitForm(c, '/admin/users', async (form) => {
        const input = parseForm(UserInput, {
          email: field(form, 'email'),
          name: field(form, 'name'),
          role: field(form, 'role'),
          password: typeof form.password === 'string' ? form.password : '',
          slackUserId: blankToUndefined(field(form, 'slackUserId')),
        });
        await createUser(c.var.ctx, input);
        return '/admin/users?done=created';
      }),
    )
    .post('/users/password-reset', async (c) => {
      const form = await c.req.parseBody();
      let reset: Awaited<ReturnType<typeof resetPassword>>;
      try {
        const input = parseForm(PasswordResetInput, { password: blankToUndefined(form.password) });
        reset = await resetPassword(c.var.ctx, field(form, 'userId'), input);
      } catch (error) {
        if (!(error instanceof DomainError) || ![400, 404].includes(error.status)) throw error;
        await rememberRefusal(c, '/admin/users', { form: 'password-reset', values: typedValues(form), ...describeRefusal(error) });
        return c.redirect('/admin/users#form-password-reset', 303);
      }
      // Like a new token, a generated password is shown in this answer only (it is never stored).
      return renderPage(c, <UsersPage viewer={c.var.viewer} users={await listUsers(c.var.ctx)} reset={reset} />);
    })
    .post('/users/:id', (c) =>
      submitForm(c, '/admin/users', async (form) => {
        const operation = field(form, 'operation');
        const input = parseForm(UserUpdateInput, {
          role: blankToUndefined(field(form, 'role')),
          disabled: operation === 'disable' ? true : operation === 'enable' ? false : undefined,
          resetAuthenticator: operation === 'reset-mfa' ? true : undefined,
          unlock: operation === 'unlock' ? true : undefined,
        });
        await updateUser(c.var.ctx, c.req.param('id'), input);
        return '/admin/users?done=updated';
      }),
    )
    .get('/tokens', async (c) => {
      const [tokens, refused] = await Promise.all([listTokens(c.var.ctx), takeRefusal(c, c.req.path)]);
      return renderPage(
        c,
        <RefusedFormContext.Provider value={refused}>
          <TokensPage viewer={c.var.viewer} tokens={tokens} error={refused?.message ?? null} maxDays={c.var.deps.config.TOKEN_MAX_DAYS} />
        </RefusedFormContext.Provider>,
      );
    })
    .post('/tokens', async (c) => {
      const form = await c.req.parseBody();
      let created: { name: string; token: string };
      try {
        const days = field(form, 'expiresInDays');
        const input = parseForm(TokenInput, {
          name: field(form, 'name'),
          role: field(form, 'role'),
          owner: blankToUndefined(field(form, 'owner')),
          service: blankToUndefined(field(form, 'service')),
          expiresInDays: days === '' ? undefined : Number(days),
        });
        created = { name: input.name, token: (await createToken(c.var.ctx, input)).token };
      } catch (error) {
        if (!(error instanceof DomainError) || ![400, 409].includes(error.status)) throw error;
        // A refusal goes back to the page with the form as typed (Post/Redirect/Get).
        await rememberRefusal(c, '/admin/tokens', { form: 'new-token', values: typedValues(form), ...describeRefusal(error) });
        return c.redirect('/admin/tokens#form-new-token', 303);
      }
      // The new token is shown in this answer only, not after a redirect: its value is never stored, so
      // nothing could show it again. The page replaces its address with /admin/tokens (data-replace-url),
      // so that a reload fetches the list instead of posting the form a second time.
      const tokens = await listTokens(c.var.ctx);
      return renderPage(
        c,
        <TokensPage viewer={c.var.viewer} tokens={tokens} created={created} maxDays={c.var.deps.config.TOKEN_MAX_DAYS} />,
      );
    })
    .post('/tokens/:id/revoke', (c) =>
      submitForm(c, '/admin/tokens', async () => {
        await revokeToken(c.var.ctx, c.req.param('id'));
        return '/admin/tokens';
      }),
    )
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
        c.req.query('verify') === '1' ? verifyAuditChain(c.var.ctx.db, c.var.ctx.config) : Promise.resolve(null),
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
    .route('/people', peopleAdminRoutes())
    .route('/outbox', outboxAdminRoutes())
    .route('/elevations', elevationAdminRoutes())
    .route('/access-review', accessReviewAdminRoutes())
    .route('/export', exportAdminRoutes())
    .route('/privacy', privacyAdminRoutes())
    .route('/backups', backupAdminRoutes())
    .onError(renderError);
}
