import type { Context } from 'hono';
import { z } from 'zod';
import { InvalidInputError, jsonResponse, READ_RESPONSES, SEVERITIES, WRITE_RESPONSES } from '../platform/index.ts';
import { incidentReference } from './incident-reference.ts';
import { PHASES } from './phases.ts';
import type { Incident } from './schema/incidents.ts';
import { INCIDENT_SOURCES } from './schema/incidents.ts';

// What every room's routes under /api/incidents/{id} share: the path parameter, the incident as the
// API shows it, the documented responses, and optimistic concurrency through ETag and If-Match.

export const IncidentParam = z.object({ id: z.string().min(1).max(100) });

/** The incident as the API shows it: its row plus its human reference. */
export function presentIncident(incident: Incident) {
  return { ...incident, reference: incidentReference(incident) };
}

const moment = z.iso.datetime();

/** The incident as presentIncident shows it, for /openapi.json. */
export const IncidentView = z
  .object({
    id: z.uuid(),
    number: z.int(),
    reference: z.string().meta({ example: 'INC-42' }),
    title: z.string(),
    summary: z.string(),
    severity: z.enum(SEVERITIES),
    phase: z.enum(PHASES),
    source: z.enum(INCIDENT_SOURCES),
    groupKey: z.string().nullable().meta({ description: 'The correlation key alerts join by; null for declared incidents' }),
    services: z.array(z.string()),
    labels: z.record(z.string(), z.string()),
    isBreach: z.boolean(),
    startedAt: moment,
    detectedAt: moment,
    acknowledgedAt: moment.nullable(),
    identifiedAt: moment.nullable(),
    containedAt: moment.nullable(),
    eradicatedAt: moment.nullable(),
    recoveredAt: moment.nullable(),
    resolvedAt: moment.nullable(),
    closedAt: moment.nullable(),
    version: z.int().meta({ description: 'Send it back in If-Match (or expectedVersion) to guard a change' }),
    createdAt: moment,
    updatedAt: moment,
  })
  .meta({ id: 'Incident' });

/** The incident after a change: the route's 200 answer. */
export const incidentResponse = jsonResponse('The incident as it is now', IncidentView);

export const readResponses = { ...READ_RESPONSES, 404: { description: 'No such incident (or item)' } };
export const writeResponses = { ...WRITE_RESPONSES, ...readResponses };
const { 200: _ok, ...writeErrors } = writeResponses;
/** writeResponses of a route that creates something: 201 instead of 200. */
export const createdResponses = { ...writeErrors, 201: { description: 'Created; the body is what was created' } };
/** writeResponses with the incident as the answer. */
export const incidentWriteResponses = { ...writeResponses, 200: incidentResponse };

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
