import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie } from 'hono/cookie';
import type { LoginPolicy } from '../platform/index.ts';
import {
  changePassword,
  createOwnToken,
  DomainError,
  endSession,
  getOwnProfile,
  listOwnSessions,
  listOwnTokens,
  logoutEverywhere,
  OwnTokenInput,
  PasswordChangeInput,
  ProfileInput,
  revokeOwnToken,
  sessionCookieName,
  updateOwnProfile,
} from '../platform/index.ts';
import { ELEVATION_NOTICES, elevationAccountRoutes, listOwnElevations } from './elevation-routes.tsx';
import { describeRefusal, rememberRefusal, submitForm, takeRefusal, typedValues } from './form-refusals.ts';
import type { DashboardEnv } from './http.tsx';
import { field, parseForm, renderError, renderPage, requireViewer } from './http.tsx';
import { AccountPage } from './views/account-page.tsx';
import { RefusedFormContext } from './views/form-fields.tsx';

const ACCOUNT_NOTICES: Record<string, string> = {
  'password-changed': 'Your password is changed; your other browsers are logged out.',
  ...ELEVATION_NOTICES,
  'profile-saved': 'Your details are saved.',
  'token-revoked': 'Token revoked: clients using it stop working at once.',
};
const secret = (form: Record<string, unknown>, name: string) => (typeof form[name] === 'string' ? form[name] : '');

/** /account: who you are and where you are logged in. */
export function accountRoutes(policy: LoginPolicy) {
  return new Hono<DashboardEnv>()
    .use(requireViewer(policy))
    .get('/', async (c) => {
      const [sessions, profile, tokens, refused, elevations] = await Promise.all([
        listOwnSessions(c.var.ctx, c.var.sessionToken, policy),
        getOwnProfile(c.var.ctx),
        listOwnTokens(c.var.ctx),
        takeRefusal(c, '/account'),
        listOwnElevations(c.var.ctx),
      ]);
      return renderPage(
        c,
        <RefusedFormContext.Provider value={refused}>
          <AccountPage
            viewer={c.var.viewer}
            sessions={sessions}
            elevations={elevations}
            selfApprove={c.var.ctx.config.ELEVATION_SELF_APPROVE}
            requestTtlMinutes={c.var.ctx.config.ELEVATION_REQUEST_TTL_MINUTES}
            profile={profile}
            tokens={tokens}
            maxDays={c.var.deps.config.TOKEN_MAX_DAYS}
            notice={refused ? null : (ACCOUNT_NOTICES[c.req.query('done') ?? ''] ?? null)}
          />
        </RefusedFormContext.Provider>,
      );
    })
    .post('/profile', (c) =>
      submitForm(c, '/account', async (form) => {
        const input = parseForm(ProfileInput, {
          name: field(form, 'name'),
          slackUserId: field(form, 'slackUserId') || null,
          version: Number(field(form, 'version')) || undefined,
        });
        await updateOwnProfile(c.var.ctx, input);
        return '/account?done=profile-saved';
      }),
    )
    .post('/tokens', async (c) => {
      const form = await c.req.parseBody();
      let created: { name: string; token: string };
      try {
        const days = field(form, 'expiresInDays');
        const input = parseForm(OwnTokenInput, {
          name: field(form, 'name'),
          role: field(form, 'role') || undefined,
          expiresInDays: days === '' ? undefined : Number(days),
        });
        created = { name: input.name, token: (await createOwnToken(c.var.ctx, input)).token };
      } catch (error) {
        if (!(error instanceof DomainError) || ![400, 409].includes(error.status)) throw error;
        await rememberRefusal(c, '/account', { form: 'own-token', values: typedValues(form), ...describeRefusal(error) });
        return c.redirect('/account#form-own-token', 303);
      }
      // Shown in this answer only, like the admin page's new token: its value is never stored.
      const [sessions, profile, tokens, elevations] = await Promise.all([
        listOwnSessions(c.var.ctx, c.var.sessionToken, policy),
        getOwnProfile(c.var.ctx),
        listOwnTokens(c.var.ctx),
        listOwnElevations(c.var.ctx),
      ]);
      return renderPage(
        c,
        <AccountPage
          viewer={c.var.viewer}
          sessions={sessions}
          elevations={elevations}
          selfApprove={c.var.ctx.config.ELEVATION_SELF_APPROVE}
          requestTtlMinutes={c.var.ctx.config.ELEVATION_REQUEST_TTL_MINUTES}
          profile={profile}
          tokens={tokens}
          created={created}
          maxDays={c.var.deps.config.TOKEN_MAX_DAYS}
        />,
      );
    })
    .post('/tokens/:id/revoke', (c) =>
      submitForm(c, '/account', async () => {
        await revokeOwnToken(c.var.ctx, c.req.param('id'));
        return '/account?done=token-revoked';
      }),
    )
    .post('/password', (c) =>
      submitForm(c, '/account', async (form) => {
        const input = parseForm(PasswordChangeInput, {
          currentPassword: secret(form, 'currentPassword'),
          code: field(form, 'code'),
          newPassword: secret(form, 'newPassword'),
        });
        await changePassword(c.var.ctx, input, policy, c.var.sessionToken);
        return '/account?done=password-changed';
      }),
    )
    .route('/elevations', elevationAccountRoutes())
    .onError(renderError);
}

/** POST /logout and POST /logout/everywhere (forms, with the CSRF token). */
export function logoutRoutes(policy: LoginPolicy) {
  const clear = (c: Context<DashboardEnv>) => deleteCookie(c, sessionCookieName(policy), { path: '/', secure: policy.secureCookies });
  return new Hono<DashboardEnv>()
    .use(requireViewer(policy))
    .post('/', async (c) => {
      await endSession(c.var.ctx, c.var.sessionToken);
      clear(c);
      return c.redirect('/login', 303);
    })
    .post('/everywhere', async (c) => {
      await logoutEverywhere(c.var.ctx);
      clear(c);
      return c.redirect('/login', 303);
    })
    .onError(renderError);
}
