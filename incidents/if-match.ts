import type { Context } from 'hono';
import { InvalidInputError } from '../platform/index.ts';

/** The ETag of an incident (or RCA) version, as GET answers it and If-Match sends it back. */
export const versionTag = (version: number) => `"${version}"`;

/**
 * The version a write expects, from If-Match ("5", W/"5" or 5) or the body's expectedVersion; the
 * two must agree when both are sent.
 */
export function expectedVersionOf(c: Context, fromBody: number | undefined): number | undefined {
  const header = c.req.header('if-match');
  // "*" (RFC 9110: any current version) adds no condition.
  if (header === undefined || header.trim() === '*') return fromBody;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match?.[1]) throw new InvalidInputError(`If-Match must be the version an incident was read at, such as "3"; got ${JSON.stringify(header)}.`);
  const version = Number(match[1]);
  if (fromBody !== undefined && fromBody !== version) {
    throw new InvalidInputError(`If-Match (${version}) and expectedVersion (${fromBody}) disagree; send one of them.`);
  }
  return version;
}
