import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { PayloadTooLargeError } from '../errors.ts';
import { limitBodySize } from './body-limit.ts';
import type { AppDeps, AppEnv } from './env.ts';
import { handleError, handleNotFound } from './error-handler.ts';
import { authenticate, observeRequests } from './middleware.ts';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The Hono app with what every route needs: request id, logs, metrics, limits, headers, auth. */
export function createBaseApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(
    requestId({
      // Keep a caller's X-Request-Id only if it is safe to log and echo.
      generator: () => crypto.randomUUID(),
      limitLength: 128,
    }),
  );
  app.use(async (c, next) => {
    const incoming = c.req.header('x-request-id');
    if (incoming && !REQUEST_ID.test(incoming)) c.set('requestId', crypto.randomUUID());
    c.set('deps', deps);
    c.set('logger', deps.logger);
    await next();
  });
  app.use(observeRequests());
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    }),
  );
  const limitBody = limitBodySize(deps.config.BODY_LIMIT_BYTES, () => {
    throw new PayloadTooLargeError(deps.config.BODY_LIMIT_BYTES);
  });
  // Routes that enforce their own limit (OTLP answers 413 in its own encoding) are left to it.
  app.use((c, next) => (deps.ownBodyLimitPaths?.includes(c.req.path) ? next() : limitBody(c, next)));
  app.use(authenticate());
  app.onError(handleError);
  app.notFound(handleNotFound);
  return app;
}
