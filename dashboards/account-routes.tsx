import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie } from 'hono/cookie';
import type { LoginPolicy } from '../platform/index.ts';
import { endSession, listOwnSessions, logoutEverywhere, sessionCookieName } from '../platform/index.ts';
import type { DashboardEnv } from './http.tsx';
import { renderError, renderPage, requireViewer } from './http.tsx';
import { AccountPage } from './views/account-page.tsx';

/** /account: who you are and where you are logged in. */
export function accountRoutes(policy: LoginPolicy) {
  return new Hono<DashboardEnv>()
    .use(requireViewer(policy))
    .get('/', async (c) => {
      const sessions = await listOwnSessions(c.var.ctx, c.var.sessionToken, policy);
      return renderPage(c, <AccountPage viewer={c.var.viewer} sessions={sessions} />);
    })
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
