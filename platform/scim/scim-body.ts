import type { Context } from 'hono';
import { InvalidInputError, UnsupportedMediaTypeError } from '../errors.ts';
import type { AppEnv } from '../http/index.ts';
import { findUnsafeText, unsafeText } from '../text/index.ts';
import { scimRefusal } from './scim-error.ts';

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

/**
 * The JSON object of a SCIM request (a User, a PatchOp). RFC 7644 §3.1 names application/scim+json;
 * Okta's and Entra's published requests carry no Content-Type at all, so a body without one is read as
 * JSON too. A declared type that is not JSON is still a 415, malformed JSON a 400 invalidSyntax, and
 * text with U+0000 or a lone surrogate a 400 naming the attribute, as everywhere else.
 */
export async function readScimBody(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const contentType = c.req.header('content-type');
  if (contentType && !JSON_TYPE.test(contentType))
    throw new UnsupportedMediaTypeError(contentType, ['application/scim+json', 'application/json']);
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch (error) {
    throw new InvalidInputError(`Request body is not valid JSON: ${(error as Error).message}`, undefined, 'malformed_json');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw scimRefusal('body: must be a JSON object (a User resource or a PatchOp).', 'invalidSyntax');
  const unsafe = findUnsafeText(body);
  if (unsafe) {
    unsafeText.inc({ source: 'api', action: 'refused' });
    throw scimRefusal(`${unsafe.path}: ${unsafe.reason}`, 'invalidValue');
  }
  return body as Record<string, unknown>;
}
