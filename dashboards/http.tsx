import type { Context, MiddlewareHandler } from 'hono';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import type { JSX } from 'hono/jsx/jsx-runtime';
import { getDeliveryChannels } from '../notifier/index.ts';
import type { AppEnv, LoginPolicy } from '../platform/index.ts';
import {
  csrfTokenFor,
  DomainError,
  ForbiddenError,
  findUnsafeText,
  InvalidInputError,
  sessionTokenFromCookies,
  UnauthorizedError,
  unsafeText,
  verifyCsrfToken,
} from '../platform/index.ts';
import { parseFormFields } from './form-refusals.ts';
import type { Viewer } from './views/layout.tsx';
import { Flash, Layout } from './views/layout.tsx';

/** Hono environment of dashboard pages: the app's, plus the logged-in viewer. */
export interface DashboardEnv {
  Variables: AppEnv['Variables'] & { viewer: Viewer; sessionToken: string };
}

type AnyContext = Context<AppEnv> | Context<DashboardEnv>;

/** Renders a page with the status; pages are never cached (they hold CSRF tokens and live data). */
export function renderPage(c: AnyContext, page: JSX.Element, status: 200 | 400 | 401 | 403 | 404 | 409 | 429 | 500 = 200): Response {
  c.header('Cache-Control', 'no-store');
  return c.html(`<!doctype html>${page.toString()}`, status);
}

/** A form field as a trimmed string ('' when missing or a file). */
export function field(form: Record<string, unknown>, name: string): string {
  const value = form[name];
  return typeof value === 'string' ? value.trim() : '';
}

/** Validates what a form (or a query string) gave, in plain words; a refusal names each field at fault. */
export const parseForm = parseFormFields;

/** Only same-site paths are followed after login ("//evil.example" is not a path). */
export function safeNext(next: string | undefined | null): string {
  const fallback = '/incidents';
  // Browsers drop tabs and line breaks from a URL and read a backslash as a slash, so "/\t/evil" and
  // "/\\evil" lead off the site: anything of the kind is refused, not cleaned.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (!next || next.length > 2048 || !next.startsWith('/') || next.startsWith('//') || /[\u0000-\u001f\u007f\\]/.test(next))
    return fallback;
  const base = 'http://next.invalid';
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base || url.pathname.startsWith('/login')) return fallback;
  // Serialised by URL: percent-encoded, so that it can go into a Location header as it is.
  return `${url.pathname}${url.search}${url.hash}`;
}

/** Refuses (400, naming the field) a form holding U+0000 or a lone surrogate: checked once, here, for every form. */
export function refuseUnsafeForm(form: Record<string, unknown>): void {
  const found = findUnsafeText(form);
  if (!found) return;
  unsafeText.inc({ source: 'form', action: 'refused' });
  const name = found.path.replace(/\.\d+$/, '');
  throw new InvalidInputError(`Please correct the form: ${name} ${found.reason}.`, { fields: { [name]: found.reason } });
}

/** hono's Origin / Sec-Fetch-Site check, accepting PUBLIC_URL's origin and the request's own. */
export function originCheck<E extends AppEnv = AppEnv>(): MiddlewareHandler<E> {
  return csrf({
    origin: (origin, c) => {
      const publicOrigin = new URL((c as Context<AppEnv>).var.deps.config.publicUrl).origin;
      return origin === publicOrigin || origin === new URL(c.req.url).origin;
    },
  });
}

const SAFE_METHOD = /^(GET|HEAD|OPTIONS)$/;
const FORCED_CHANGE_PATHS = /^\/(account|account\/password|logout(\/everywhere)?)\/?$/;

/**
 * Dashboard pages need a logged-in session (bearer tokens are for the API). Forms that change
 * something must come from this origin and carry the session's CSRF token.
 */
export function requireViewer(policy: LoginPolicy): MiddlewareHandler<DashboardEnv> {
  const checkOrigin = originCheck<DashboardEnv>();
  return async (c, next) => {
    const token = sessionTokenFromCookies(c.req.header('cookie'), policy);
    const { actor } = c.var.ctx;
    if (!token || actor.kind !== 'user' || c.req.header('authorization')) {
      if (c.req.method === 'GET') return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`, 303);
      throw new UnauthorizedError('Log in to the dashboard first.');
    }
    c.set('sessionToken', token);
    // After an admin's reset, nothing opens but the account page (to change it) and logging out.
    if (actor.mustChangePassword && !FORCED_CHANGE_PATHS.test(c.req.path)) {
      if (c.req.method === 'GET') return c.redirect('/account#form-password', 303);
      throw new ForbiddenError('An admin reset your password: change it on your account page first.');
    }
    c.set('viewer', { actor, csrfToken: csrfTokenFor(token), channels: await getDeliveryChannels(c.var.ctx.db, c.var.deps.config) });
    if (SAFE_METHOD.test(c.req.method)) return next();
    return checkOrigin(c, async () => {
      const form = await c.req.parseBody();
      if (!verifyCsrfToken(token, typeof form._csrf === 'string' ? form._csrf : undefined)) {
        throw new ForbiddenError(
          'This form expired or did not come from this dashboard (its CSRF token is missing or wrong). Reload the page and try again.',
        );
      }
      refuseUnsafeForm(form);
      await next();
    });
  };
}

/** Errors on dashboard pages become pages (with the same status and message), not JSON. */
export function renderError(error: Error, c: Context<DashboardEnv> | Context<AppEnv>): Response {
  const viewer = (c as Context<DashboardEnv>).get('viewer') ?? null;
  const requestId = (c as Context<AppEnv>).var.requestId ?? '';
  let status: 400 | 401 | 403 | 404 | 409 | 429 | 500 = 500;
  let message = `Something went wrong on our side; the request id ${requestId} identifies it in the logs.`;
  if (error instanceof DomainError) {
    status = ([400, 401, 403, 404, 409, 429] as const).find((code) => code === error.status) ?? 400;
    message = error.message;
  } else if (error instanceof HTTPException && error.status < 500) {
    status = error.status === 403 ? 403 : 400;
    message =
      error.status === 403
        ? 'This form did not come from this dashboard (its Origin is not allowed), so nothing was changed.'
        : error.message || 'Bad request.';
  } else {
    (c as Context<AppEnv>).var.logger.error({ err: error, requestId }, 'unhandled error on a dashboard page');
  }
  if (status === 401 && c.req.method === 'GET') return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`, 303);
  const titles: Record<number, string> = {
    400: 'That did not work',
    401: 'Please log in',
    403: 'Not allowed',
    404: 'Not found',
    409: 'Conflict',
    429: 'Too many requests',
    500: 'Error',
  };
  return renderPage(
    c,
    <Layout title={titles[status] ?? 'Error'} viewer={viewer} section="incidents">
      <h1>{titles[status]}</h1>
      <Flash error={message} />
      <p>
        {status === 401 ? <a href="/login">Log in</a> : <a href="/incidents">Back to incidents</a>}
        {requestId ? <span class="muted"> · request id {requestId}</span> : null}
      </p>
    </Layout>,
    status,
  );
}
