import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DomainError, InvalidInputError } from '../errors.ts';
import { ERROR_SCHEMA, SCIM_CONTENT_TYPE } from './scim-schemas.ts';

/** RFC 7644 §3.12: the scimType values a 400 (or 409) carries. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

/** A 400 whose SCIM answer carries this scimType (the rest of Firebreak sees an ordinary invalid_input). */
export function scimRefusal(message: string, scimType: ScimType): InvalidInputError {
  return new InvalidInputError(message, { scimType });
}

function scimTypeOf(error: DomainError): ScimType | undefined {
  const given = (error.details as { scimType?: ScimType } | undefined)?.scimType;
  if (given) return given;
  if (error.code === 'malformed_json') return 'invalidSyntax';
  if (error.code === 'conflict') return 'uniqueness';
  if (error.status === 400) return 'invalidValue';
  return undefined;
}

/**
 * The one place SCIM errors are shaped (RFC 7644 §3.12): every refusal under /scim/v2 (authentication
 * and permission too) answers `{ schemas: [Error], status, scimType?, detail }`, which identity
 * providers read, instead of Firebreak's own error shape.
 */
export function scimErrorResponse(error: Error, c: Context): Response {
  let status: ContentfulStatusCode = 500;
  let detail = 'Internal error; the request id identifies it in the logs.';
  let scimType: ScimType | undefined;
  if (error instanceof DomainError) {
    status = error.status;
    detail = error.message;
    scimType = scimTypeOf(error);
  } else if (error instanceof HTTPException && error.status < 500) {
    status = error.status as ContentfulStatusCode;
    detail = error.message || 'Bad request.';
  } else {
    (c.get('logger') as { error(fields: object, message: string): void } | undefined)?.error(
      { err: error, requestId: c.get('requestId') },
      'unhandled error in SCIM',
    );
  }
  const body = { schemas: [ERROR_SCHEMA], status: String(status), ...(scimType ? { scimType } : {}), detail };
  return c.body(JSON.stringify(body), status, { 'content-type': SCIM_CONTENT_TYPE });
}

/** SCIM's answer to a path under /scim/v2 that names no endpoint. */
export function scimNotFound(c: Context): Response {
  const body = { schemas: [ERROR_SCHEMA], status: '404', detail: `No SCIM endpoint ${c.req.method} ${c.req.path}.` };
  return c.body(JSON.stringify(body), 404, { 'content-type': SCIM_CONTENT_TYPE });
}

/** True for requests that SCIM answers (and whose errors it shapes). */
export function isScimPath(path: string): boolean {
  return path === '/scim/v2' || path.startsWith('/scim/v2/');
}
