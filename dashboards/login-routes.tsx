import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv, LoginOrigin, LoginPolicy } from '../platform/index.ts';
import {
  confirmTotpEnrolment,
  describeIssue,
  ForbiddenError,
  LoginError,
  listSignInProviders,
  loginWithPassword,
  loginWithTotp,
  MFA_STEP_TTL_MS,
  PasswordLoginInput,
  sessionCookieName,
  startTotpEnrolment,
  TotpCodeInput,
} from '../platform/index.ts';
import { field, originCheck, refuseUnsafeForm, renderError, renderPage, safeNext } from './http.tsx';
import { CodePage, EnrolPage, PasswordPage, SameSiteHop } from './views/login-pages.tsx';

type LoginContext = Context<AppEnv>;

export function cookieNames(policy: LoginPolicy) {
  const prefix = policy.secureCookies ? '__Host-' : '';
  return { session: sessionCookieName(policy), pending: `${prefix}firebreak_mfa`, form: `${prefix}firebreak_login` };
}

export function cookieOptions(policy: LoginPolicy, maxAgeSeconds: number) {
  return { httpOnly: true, secure: policy.secureCookies, sameSite: 'Strict', path: '/', maxAge: maxAgeSeconds } as const;
}

/**
 * Login forms have no session yet, so their CSRF token is a double-submit one: a random value in
 * a cookie and in the form, which a page on another site can neither read nor set.
 */
export function loginFormToken(c: LoginContext, policy: LoginPolicy): string {
  const name = cookieNames(policy).form;
  const existing = getCookie(c, name);
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = randomBytes(32).toString('base64url');
  setCookie(c, name, token, cookieOptions(policy, 3600));
  return token;
}

export function assertLoginForm(c: LoginContext, policy: LoginPolicy, form: Record<string, unknown>): void {
  const cookie = getCookie(c, cookieNames(policy).form) ?? '';
  const submitted = field(form, '_csrf');
  const ok = cookie.length > 0 && cookie.length === submitted.length && timingSafeEqual(Buffer.from(cookie), Buffer.from(submitted));
  if (!ok) throw new ForbiddenError('This login form expired or did not come from this site; reload the page and try again.');
  refuseUnsafeForm(form);
}

export function originOf(c: LoginContext): LoginOrigin {
  return { sourceAddress: c.var.ctx.sourceAddress, userAgent: c.req.header('user-agent') ?? null, requestId: c.var.requestId };
}

function loginStatus(error: LoginError): 401 | 403 | 429 {
  return error.status === 429 ? 429 : error.status === 403 ? 403 : 401;
}

/** /login: e-mail and password, then the TOTP code, or enrolment of an authenticator at first login. */
export function loginRoutes(policy: LoginPolicy) {
  const names = cookieNames(policy);
  const pendingToken = (c: LoginContext) => getCookie(c, names.pending) ?? '';
  const finish = (c: LoginContext, sessionToken: string, next: string) => {
    deleteCookie(c, names.pending, { path: '/', secure: policy.secureCookies });
    setCookie(c, names.session, sessionToken, cookieOptions(policy, Math.floor(policy.maxAgeMs / 1000)));
    return c.redirect(safeNext(next), 303);
  };

  return new Hono<AppEnv>()
    .use(originCheck())
    .get('/', async (c) => {
      const next = safeNext(c.req.query('next'));
      if (c.var.ctx.actor.kind === 'user') return c.redirect(next, 303);
      // A link followed from another site (Slack, e-mail) arrives without the SameSite=Strict cookie.
      // One same-site hop makes the browser send it, so a logged-in user is not asked to log in again.
      if (c.req.header('sec-fetch-site') === 'cross-site' && c.req.query('hop') !== '1') {
        return renderPage(c, <SameSiteHop target={`/login?next=${encodeURIComponent(next)}&hop=1`} />);
      }
      const providers = await listSignInProviders(c.var.ctx.db);
      return renderPage(c, <PasswordPage csrf={loginFormToken(c, policy)} next={next} providers={providers} />);
    })
    .post('/', async (c) => {
      const form = await c.req.parseBody();
      assertLoginForm(c, policy, form);
      const next = safeNext(field(form, 'next'));
      const parsed = PasswordLoginInput.safeParse({
        email: field(form, 'email'),
        password: typeof form.password === 'string' ? form.password : '',
      });
      const csrf = loginFormToken(c, policy);
      const providers = await listSignInProviders(c.var.ctx.db);
      if (!parsed.success || !parsed.data.email || !parsed.data.password) {
        return renderPage(
          c,
          <PasswordPage
            csrf={csrf}
            next={next}
            email={field(form, 'email')}
            providers={providers}
            error="Enter your e-mail address and password."
          />,
          400,
        );
      }
      try {
        const { token, mustEnrol } = await loginWithPassword(c.var.ctx.db, parsed.data, originOf(c), policy);
        setCookie(c, names.pending, token, cookieOptions(policy, Math.floor(MFA_STEP_TTL_MS / 1000)));
        return c.redirect(`/login/${mustEnrol ? 'enrol' : 'code'}?next=${encodeURIComponent(next)}`, 303);
      } catch (error) {
        if (!(error instanceof LoginError)) throw error;
        if (error.retryAfterSeconds) c.header('Retry-After', String(error.retryAfterSeconds));
        return renderPage(
          c,
          <PasswordPage csrf={csrf} next={next} email={parsed.data.email} providers={providers} error={error.message} />,
          loginStatus(error),
        );
      }
    })
    .get('/code', (c) => {
      if (!pendingToken(c)) return c.redirect('/login', 303);
      return renderPage(c, <CodePage csrf={loginFormToken(c, policy)} next={safeNext(c.req.query('next'))} />);
    })
    .post('/code', async (c) => {
      const form = await c.req.parseBody();
      assertLoginForm(c, policy, form);
      const next = safeNext(field(form, 'next'));
      const csrf = loginFormToken(c, policy);
      const code = TotpCodeInput.safeParse({ code: field(form, 'code') });
      if (!code.success)
        return renderPage(
          c,
          <CodePage csrf={csrf} next={next} error={`Code ${describeIssue(code.error.issues[0] ?? { message: 'is missing' })}`} />,
          400,
        );
      try {
        return finish(c, await loginWithTotp(c.var.ctx.db, pendingToken(c), code.data.code, originOf(c), policy), next);
      } catch (error) {
        if (!(error instanceof LoginError)) throw error;
        if (error.code === 'session_expired' || error.code === 'locked') {
          return renderPage(c, <PasswordPage csrf={csrf} next={next} error={error.message} />, loginStatus(error));
        }
        return renderPage(c, <CodePage csrf={csrf} next={next} error={error.message} />, loginStatus(error));
      }
    })
    .get('/enrol', async (c) => {
      const csrf = loginFormToken(c, policy);
      const next = safeNext(c.req.query('next'));
      try {
        const enrolment = await startTotpEnrolment(c.var.ctx.db, pendingToken(c), policy);
        return renderPage(c, <EnrolPage csrf={csrf} next={next} enrolment={enrolment} />);
      } catch (error) {
        if (!(error instanceof LoginError)) throw error;
        return renderPage(c, <PasswordPage csrf={csrf} next={next} error={error.message} />, 401);
      }
    })
    .post('/enrol', async (c) => {
      const form = await c.req.parseBody();
      assertLoginForm(c, policy, form);
      const next = safeNext(field(form, 'next'));
      const csrf = loginFormToken(c, policy);
      const db = c.var.ctx.db;
      const code = TotpCodeInput.safeParse({ code: field(form, 'code') });
      try {
        if (!code.success) {
          const enrolment = await startTotpEnrolment(db, pendingToken(c), policy);
          return renderPage(
            c,
            <EnrolPage
              csrf={csrf}
              next={next}
              enrolment={enrolment}
              error={`Code ${describeIssue(code.error.issues[0] ?? { message: 'is missing' })}`}
            />,
            400,
          );
        }
        return finish(c, await confirmTotpEnrolment(db, pendingToken(c), code.data.code, originOf(c), policy), next);
      } catch (error) {
        if (!(error instanceof LoginError)) throw error;
        if (error.code === 'invalid_code') {
          const enrolment = await startTotpEnrolment(db, pendingToken(c), policy).catch(() => null);
          if (enrolment) return renderPage(c, <EnrolPage csrf={csrf} next={next} enrolment={enrolment} error={error.message} />, 401);
        }
        return renderPage(c, <PasswordPage csrf={csrf} next={next} error={error.message} />, loginStatus(error));
      }
    })
    .onError(renderError);
}
