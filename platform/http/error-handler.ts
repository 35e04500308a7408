import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { DomainError, errorCodeForStatus, UnavailableError } from '../errors.ts';
import { isScimPath, scimErrorResponse, scimNotFound } from '../scim/scim-error.ts';
import type { AppEnv } from './env.ts';

/** The one place that builds error bodies: `{ error: { code, message, requestId } }`. */
export function handleError(error: Error, c: Context<AppEnv>): Response {
  // SCIM clients (Okta, Entra) read the SCIM error shape; its one mapper answers there, authentication included.
  if (isScimPath(c.req.path)) return scimErrorResponse(error, c);
  const requestId = c.get('requestId') ?? null;
  if (error instanceof DomainError) {
    if (error instanceof UnavailableError && error.retryAfterSeconds !== undefined) {
      c.header('Retry-After', String(error.retryAfterSeconds));
    }
    const details = error.details === undefined ? {} : { details: error.details };
    return c.json({ error: { code: error.code, message: error.message, requestId, ...details } }, error.status);
  }
  if (error instanceof HTTPException && error.status < 500) {
    const code = errorCodeForStatus(error.status);
    return c.json({ error: { code, message: error.message || code, requestId } }, error.status);
  }
  const logger = c.get('logger');
  logger?.error({ err: error, requestId }, 'unhandled error');
  return c.json({ error: { code: 'internal', message: 'Internal error; the request id identifies it in the logs.', requestId } }, 500);
}

export function handleNotFound(c: Context<AppEnv>): Response {
  if (isScimPath(c.req.path)) return scimNotFound(c);
  return c.json(
    { error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}.`, requestId: c.get('requestId') ?? null } },
    404,
  );
}
