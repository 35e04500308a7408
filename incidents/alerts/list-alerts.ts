import type { SQL } from 'drizzle-orm';
import { and, asc, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../platform/index.ts';
import { InvalidInputError } from '../../platform/index.ts';
import { getIncident } from '../get-incident.ts';
import { getTimelineEvent } from '../timeline/index.ts';
import { ALERTS_CHANGED } from './alert-events.ts';
import type { Matcher } from './matchers.ts';
import { parseMatchers } from './matchers.ts';
import type { Alert } from './schema/alerts.ts';
import { ALERT_STATUSES, alerts } from './schema/alerts.ts';

const oneOrMany = z.union([z.string().max(2000), z.array(z.string().max(2000)).max(20)]).optional();

export const AlertListQuery = z.object({
  status: z.enum([...ALERT_STATUSES, 'all']).default('all'),
  /** Alertmanager matchers, e.g. `filter=service="checkout"&filter=severity=~"crit.*"` (all must match). */
  filter: oneOrMany,
  /** An incident id or reference (INC-42). */
  incident: z.string().min(1).max(100).optional(),
  silenced: z.enum(['true', 'false']).optional(),
  /** Alerts by fingerprint (16 hex digits), repeatable: the alert that inhibits another, say. */
  fingerprint: z.union([z.string().regex(/^[0-9a-f]{16}$/), z.array(z.string().regex(/^[0-9a-f]{16}$/)).max(500)]).optional(),
  /** The id of a timeline entry of a delivery ("37 alerts joined: …"): the alerts behind it. */
  event: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  cursor: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AlertListQuery = z.input<typeof AlertListQuery>;

function matcherCondition(matcher: Matcher): SQL {
  if (!matcher.isRegex && matcher.isEqual && matcher.value !== '') {
    return sql`${alerts.labels} @> ${JSON.stringify({ [matcher.name]: matcher.value })}::jsonb`;
  }
  const value = sql`coalesce(${alerts.labels} ->> ${matcher.name}, '')`;
  if (!matcher.isRegex) return matcher.isEqual ? sql`${value} = ${matcher.value}` : sql`${value} <> ${matcher.value}`;
  const pattern = `^(?:${matcher.value})$`;
  return matcher.isEqual ? sql`${value} ~ ${pattern}` : sql`${value} !~ ${pattern}`;
}

function decodeCursor(cursor: string): number {
  const id = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Number.isSafeInteger(id) || id < 1) throw new InvalidInputError('cursor: not a cursor this API returned.');
  return id;
}

/** The alerts a delivery's timeline entry names. */
async function deliveredFingerprints(db: Database, eventId: number): Promise<string[]> {
  const event = await getTimelineEvent(db, eventId);
  const named = event.data.fingerprints;
  if (event.type !== ALERTS_CHANGED || !named || typeof named !== 'object')
    throw new InvalidInputError(`event: timeline entry ${eventId} is not a delivery of alerts`);
  const lists = Object.values(named as Record<string, unknown>);
  const fingerprints = lists.flatMap((list) =>
    Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : [],
  );
  return fingerprints.length > 0 ? fingerprints : [''];
}

/** Alerts newest first, filtered by status, label matchers, incident, silence and delivery; `nextCursor` continues. */
export async function listAlerts(db: Database, rawQuery: AlertListQuery): Promise<{ alerts: Alert[]; nextCursor: string | null }> {
  const query = AlertListQuery.parse(rawQuery);
  const filters: (SQL | undefined)[] = [];
  if (query.status !== 'all') filters.push(eq(alerts.status, query.status));
  const texts = query.filter === undefined ? [] : Array.isArray(query.filter) ? query.filter : [query.filter];
  for (const text of texts) for (const matcher of parseMatchers(text)) filters.push(matcherCondition(matcher));
  if (query.incident) filters.push(eq(alerts.incidentId, (await getIncident(db, query.incident)).id));
  if (query.silenced === 'true') filters.push(sql`${alerts.silenceId} is not null and ${alerts.incidentId} is null`);
  if (query.silenced === 'false') filters.push(sql`${alerts.silenceId} is null`);
  if (query.fingerprint !== undefined)
    filters.push(inArray(alerts.fingerprint, Array.isArray(query.fingerprint) ? query.fingerprint : [query.fingerprint]));
  if (query.event !== undefined) filters.push(inArray(alerts.fingerprint, await deliveredFingerprints(db, query.event)));
  if (query.cursor) filters.push(lt(alerts.id, decodeCursor(query.cursor)));
  const rows = await db
    .select()
    .from(alerts)
    .where(and(...filters))
    .orderBy(desc(alerts.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { alerts: page, nextCursor: rows.length > query.limit && last ? Buffer.from(String(last.id)).toString('base64url') : null };
}

/** The alerts of an incident, firing first, then expired, then resolved, each by when they started (the incident page). */
export async function listIncidentAlerts(db: Database, incidentId: string): Promise<Alert[]> {
  return db
    .select()
    .from(alerts)
    .where(eq(alerts.incidentId, incidentId))
    .orderBy(sql`case ${alerts.status} when 'firing' then 0 when 'expired' then 1 else 2 end`, asc(alerts.startsAt), asc(alerts.id));
}
