import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie } from 'hono/cookie';
import type { LoginPolicy } from '../platform/index.ts';
import {
  changePassword,
  endSession,
  listOwnSessions,
  logoutEverywhere,
  PasswordChangeInput,
  sessionCookieName,
} from '../platform/index.ts';
import { ELEVATION_NOTICES, elevationAccountRoutes, listOwnElevations } from './elevation-routes.tsx';
import { submitForm, takeRefusal } from './form-refusals.ts';
import type { DashboardEnv } from './http.tsx';
import { field, parseForm, renderError, renderPage, requireViewer } from './http.tsx';
import { AccountPage } from './views/account-page.tsx';
import { RefusedFormContext } from './views/form-fields.tsx';

const ACCOUNT_NOTICES: Record<string, string> = {
  'password-changed': 'Your password is changed; your other browsers are logged out.',
  ...ELEVATION_NOTICES,
};
const secret = (form: Record<string, unknown>, name: string) => (typeof form[name] === 'string' ? form[name] : '');

/** /account: who you are and where you are logged in. */
export function accountRoutes(policy: LoginPolicy) {
  return new Hono<DashboardEnv>()
    .use(requireViewer(policy))
    .get('/', async (c) => {
      const [sessions, refused, elevations] = await Promise.all([
        listOwnSessions(c.var.ctx, c.var.sessionToken, policy),
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
            notice={refused ? null : (ACCOUNT_NOTICES[c.req.query('done') ?? ''] ?? null)}
          />
        </RefusedFormContext.Provider>,
      );
    })
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
