import type { BlockList } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { applyActiveElevation } from '../access/active-elevation.ts';
import { type Actor, assertPermission } from '../auth/actor.ts';
import type { Permission } from '../auth/roles.ts';
import { authenticateToken } from '../auth/tokens.ts';
import { ForbiddenError, UnauthorizedError } from '../errors.ts';
import { httpRequestDuration, httpRequests } from '../telemetry/metrics.ts';
import { clientAddress, parseTrustedProxies } from './client-address.ts';
import type { AppEnv } from './env.ts';

export const ANONYMOUS_ACTOR: Actor = { kind: 'system', id: 'anonymous', name: 'anonymous', role: 'viewer', permissions: new Set() };

const tracer = trace.getTracer('firebreak');

/** Logs each request as one JSON line, counts it in /metrics, and traces it when tracing is on. */
export function observeRequests(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const logger = c.var.deps.logger.child({ requestId: c.var.requestId });
    c.set('logger', logger);
    // Named after the route once it is known: the path itself may hold a secret.
    await tracer.startActiveSpan(c.req.method, async (span) => {
      try {
        await next();
      } finally {
        const route = routePath(c, -1) || 'unmatched';
        const status = String(c.res.status);
        const seconds = (performance.now() - started) / 1000;
        httpRequests.inc({ method: c.req.method, route, status });
        httpRequestDuration.observe({ method: c.req.method, route, status }, seconds);
        span.updateName(`${c.req.method} ${route}`);
        span.setAttributes({ 'http.request.method': c.req.method, 'http.route': route, 'http.response.status_code': c.res.status });
        if (c.res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
        // The path only, never the query (it can carry addresses, search terms, keys); and where the
        // path holds a secret (a public notice's token), the route instead of the path.
        const path = route.includes(':token') ? route : c.req.path;
        const line = { method: c.req.method, path, status: c.res.status, ms: Math.round(seconds * 1000) };
        if (c.res.status >= 500) logger.error(line, 'request failed');
        else logger.debug(line, 'request');
      }
    });
  };
}

const trustedProxiesOf = new WeakMap<object, BlockList | null>();

/** The client's address: the socket's peer, or what a trusted proxy (TRUSTED_PROXIES) says in X-Forwarded-For. */
function sourceAddressOf(c: Parameters<MiddlewareHandler<AppEnv>>[0]): string | null {
  const { config } = c.var.deps;
  let trusted = trustedProxiesOf.get(config);
  if (trusted === undefined) {
    trusted = config.TRUSTED_PROXIES.trim() ? parseTrustedProxies(config.TRUSTED_PROXIES) : null;
    trustedProxiesOf.set(config, trusted);
  }
  let peer: string | null = null;
  try {
    peer = getConnInfo(c).remote.address ?? null;
  } catch {
    // app.request() in tests has no socket.
  }
  return clientAddress(peer, c.req.header('x-forwarded-for'), trusted);
}

const SAFE_METHOD = /^(GET|HEAD|OPTIONS)$/;

/**
 * The API answers a dashboard cookie on a changing request only from the dashboard's own pages: a
 * body-less POST needs no CORS preflight, so SameSite alone would be the only guard. Browsers send
 * Origin (or Sec-Fetch-Site) with every POST; a request with neither is not from a page of ours.
 */
function assertSameOrigin(c: Parameters<MiddlewareHandler<AppEnv>>[0]): void {
  const origin = c.req.header('origin');
  const ours = [new URL(c.var.deps.config.publicUrl).origin, new URL(c.req.url).origin];
  if (origin ? ours.includes(origin) : c.req.header('sec-fetch-site') === 'same-origin') return;
  throw new ForbiddenError('A dashboard session may change things through the API only from the dashboard itself; use a bearer token.');
}

/**
 * Resolves the caller from a bearer token or a dashboard session. Every path needs one, except the
 * public prefixes in deps.publicPaths; those run with the anonymous actor.
 */
export function authenticate(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { deps } = c.var;
    const db = deps.database.db;
    let actor: Actor | null = null;
    const authorization = c.req.header('authorization');
    if (authorization) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!match?.[1]) throw new UnauthorizedError('The Authorization header must be "Bearer <token>".');
      actor = await authenticateToken(db, match[1]);
      if (!actor) throw new UnauthorizedError('The bearer token is unknown or revoked.');
    } else if (deps.resolveSession) {
      // A live-update stream (EventSource asks for text/event-stream, and reconnects by itself) and the
      // refreshes it triggers (X-Firebreak-Live) are not the person's activity: an open page must not
      // hold the idle timeout off.
      const isLive = /\btext\/event-stream\b/.test(c.req.header('accept') ?? '') || c.req.header('x-firebreak-live') !== undefined;
      actor = await deps.resolveSession(c.req.header('cookie'), db, { touch: !isLive });
      if (actor && !SAFE_METHOD.test(c.req.method) && c.req.path.startsWith('/api/')) assertSameOrigin(c);
      // After an admin's password reset the session opens nothing but the change, in the API as on pages.
      if (actor?.mustChangePassword && c.req.path.startsWith('/api/') && !/^\/api\/me(\/password)?$/.test(c.req.path))
        throw new ForbiddenError('An admin reset your password: change it first (on your account page, or POST /api/me/password).');
    }
    // A person under break-glass elevation acts with the elevated role, and everything they do says so.
    if (actor?.userId) actor = await applyActiveElevation(db, actor);
    const isPublic = deps.publicPaths.some(
      (prefix) => c.req.path === prefix || c.req.path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`),
    );
    if (!actor && !isPublic) {
      // A person opening a page is sent to log in; API clients get the 401.
      const wantsPage = c.req.method === 'GET' && (c.req.header('accept') ?? '').includes('text/html');
      if (deps.loginPath && wantsPage && !authorization) return c.redirect(`${deps.loginPath}?next=${encodeURIComponent(c.req.path)}`, 303);
      throw new UnauthorizedError();
    }
    c.set('ctx', {
      db,
      actor: actor ?? ANONYMOUS_ACTOR,
      requestId: c.var.requestId,
      sourceAddress: sourceAddressOf(c),
      config: deps.config,
    });
    await next();
  };
}

/** Refuses with 403 (naming the permission) unless the caller has it. */
export function requirePermission(permission: Permission): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.var.ctx.actor === ANONYMOUS_ACTOR) throw new UnauthorizedError();
    assertPermission(c.var.ctx.actor, permission);
    await next();
  };
}
