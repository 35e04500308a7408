import type { SQL } from 'drizzle-orm';
import { and, asc, desc, eq, isNotNull, isNull, not, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../platform/index.ts';
import { InvalidInputError, SEVERITIES } from '../platform/index.ts';
import { hasOpenObligation } from './breach/index.ts';
import { parseIncidentNumber } from './incident-reference.ts';
import { PHASES } from './phases.ts';
import type { Incident } from './schema/incidents.ts';
import { incidents } from './schema/incidents.ts';

/** Newest first, or most urgent first: breaches, then severity, then the oldest detection. */
export const INCIDENT_ORDERS = ['newest', 'urgency'] as const;

export const IncidentListQuery = z.object({
  status: z.enum(['open', 'closed', 'all']).default('all'),
  phase: z.enum(PHASES).optional(),
  severity: z.enum(SEVERITIES).optional(),
  /** Part of a service's name, any case. */
  service: z.string().max(200).optional(),
  /** Part of the current commander's name, any case. */
  commander: z.string().max(200).optional(),
  /** Words in the title, a reference (INC-42 or 42), or a label's name or value (`team=payments` too). */
  q: z.string().max(200).optional(),
  breach: z.enum(['true', 'false']).optional(),
  order: z.enum(INCIDENT_ORDERS).default('newest'),
  cursor: z.string().max(400).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type IncidentListQuery = z.input<typeof IncidentListQuery>;

// A cursor names the order it continues, and the last row's values of that order's keys.
const Cursor = z.discriminatedUnion('order', [
  z.object({ order: z.literal('newest'), createdAt: z.iso.datetime(), id: z.uuid() }),
  z.object({
    order: z.literal('urgency'),
    breach: z.boolean(),
    severity: z.enum(SEVERITIES),
    detectedAt: z.iso.datetime(),
    id: z.uuid(),
  }),
]);
type Cursor = z.infer<typeof Cursor>;

function encodeCursor(order: Cursor['order'], incident: Incident): string {
  const cursor: Cursor =
    order === 'newest'
      ? { order, createdAt: incident.createdAt.toISOString(), id: incident.id }
      : { order, breach: incident.isBreach, severity: incident.severity, detectedAt: incident.detectedAt.toISOString(), id: incident.id };
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(cursor: string, order: Cursor['order']): Cursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = null;
  }
  // Cursors from before the order was named continue the newest-first list.
  if (value && typeof value === 'object' && !('order' in value)) value = { order: 'newest', ...value };
  const parsed = Cursor.safeParse(value);
  if (!parsed.success || parsed.data.order !== order) throw new InvalidInputError('cursor: not a cursor this list returned.');
  return parsed.data;
}

/** `text` as an ILIKE pattern that matches it anywhere, its own % _ and \ taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

function searchCondition(q: string): SQL | undefined {
  const pattern = containsPattern(q);
  const number = parseIncidentNumber(q);
  return or(
    sql`${incidents.title} ilike ${pattern} escape '\\'`,
    number === null ? undefined : eq(incidents.number, number),
    sql`exists (select 1 from unnest(${incidents.services}) as service where service ilike ${pattern} escape '\\')`,
    sql`exists (select 1 from jsonb_each_text(${incidents.labels}) as label
                where label.key ilike ${pattern} escape '\\' or label.value ilike ${pattern} escape '\\'
                   or label.key || '=' || label.value ilike ${pattern} escape '\\')`,
  );
}

/** Filtered, in the order asked for; `nextCursor` continues the list after the last row. */
export async function listIncidents(db: Database, input: IncidentListQuery): Promise<{ incidents: Incident[]; nextCursor: string | null }> {
  const query = IncidentListQuery.parse(input);
  const filters: (SQL | undefined)[] = [];
  // A closed incident that still owes a breach obligation counts as open: its clock still runs.
  if (query.status === 'open') filters.push(or(isNull(incidents.closedAt), hasOpenObligation(incidents.id)));
  if (query.status === 'closed') filters.push(and(isNotNull(incidents.closedAt), not(hasOpenObligation(incidents.id))));
  if (query.phase) filters.push(eq(incidents.phase, query.phase));
  if (query.severity) filters.push(eq(incidents.severity, query.severity));
  if (query.service?.trim())
    filters.push(
      sql`exists (select 1 from unnest(${incidents.services}) as service where service ilike ${containsPattern(query.service.trim())} escape '\\')`,
    );
  if (query.commander?.trim())
    filters.push(
      sql`exists (select 1 from incident_roles as role where role.incident_id = ${incidents.id} and role.role = 'commander'
                  and role.released_at is null and role.name ilike ${containsPattern(query.commander.trim())} escape '\\')`,
    );
  if (query.q?.trim()) filters.push(searchCondition(query.q.trim()));
  if (query.breach) filters.push(eq(incidents.isBreach, query.breach === 'true'));

  if (query.cursor) {
    const cursor = decodeCursor(query.cursor, query.order);
    // Row comparisons, not ORs of conditions: Postgres then starts an index scan at the cursor.
    if (cursor.order === 'newest')
      filters.push(sql`(${incidents.createdAt}, ${incidents.id}) < (${new Date(cursor.createdAt)}, ${cursor.id}::uuid)`);
    else
      filters.push(
        sql`(not ${incidents.isBreach}, ${incidents.severity}, ${incidents.detectedAt}, ${incidents.id})
            > (${!cursor.breach}, ${cursor.severity}, ${new Date(cursor.detectedAt)}, ${cursor.id}::uuid)`,
      );
  }
  // Severities sort by name: sev1 before sev2.
  const orderBy =
    query.order === 'newest'
      ? [desc(incidents.createdAt), desc(incidents.id)]
      : [asc(sql`not ${incidents.isBreach}`), asc(incidents.severity), asc(incidents.detectedAt), asc(incidents.id)];
  const rows = await db
    .select()
    .from(incidents)
    .where(and(...filters))
    .orderBy(...orderBy)
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { incidents: page, nextCursor: rows.length > query.limit && last ? encodeCursor(query.order, last) : null };
}

/** Whether any incident exists at all: an empty list then explains how incidents arrive. */
export async function hasAnyIncident(db: Database): Promise<boolean> {
  const rows = await db.select({ id: incidents.id }).from(incidents).limit(1);
  return rows.length > 0;
}
