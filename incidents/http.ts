import type { Context } from 'hono';
import { z } from 'zod';
import { InvalidInputError, READ_RESPONSES, WRITE_RESPONSES } from '../platform/index.ts';
import { incidentReference } from './incident-reference.ts';
import type { Incident } from './schema/incidents.ts';

// What every room's routes under /api/incidents/{id} share: the path parameter, the incident as the
// API shows it, the documented responses, and optimistic concurrency through ETag and If-Match.

export const IncidentParam = z.object({ id: z.string().min(1).max(100) });

/** The incident as the API shows it: its row plus its human reference. */
export function presentIncident(incident: Incident) {
  return { ...incident, reference: incidentReference(incident) };
}

export const readResponses = { ...READ_RESPONSES, 404: { description: 'No such incident (or item)' } };
export const writeResponses = { ...WRITE_RESPONSES, ...readResponses };

export const ifMatchParameter = {
  name: 'If-Match',
  in: 'header' as const,
  required: false,
  schema: { type: 'string' as const },
  description: 'The version last read (ETag); a stale one is answered 409.',
};

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
  if (!match?.[1])
    throw new InvalidInputError(`If-Match must be the version an incident was read at, such as "3"; got ${JSON.stringify(header)}.`);
  const version = Number(match[1]);
  if (fromBody !== undefined && fromBody !== version) {
    throw new InvalidInputError(`If-Match (${version}) and expectedVersion (${fromBody}) disagree; send one of them.`);
  }
  return version;
}
