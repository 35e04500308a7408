import type { SQL } from 'drizzle-orm';
import { and, arrayContains, desc, eq, isNotNull, isNull, not, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../platform/index.ts';
import { InvalidInputError, SEVERITIES } from '../platform/index.ts';
import { hasOpenObligation } from './breach/index.ts';
import { PHASES } from './phases.ts';
import type { Incident } from './schema/incidents.ts';
import { incidents } from './schema/incidents.ts';

export const IncidentListQuery = z.object({
  status: z.enum(['open', 'closed', 'all']).default('all'),
  phase: z.enum(PHASES).optional(),
  severity: z.enum(SEVERITIES).optional(),
  service: z.string().max(200).optional(),
  breach: z.enum(['true', 'false']).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type IncidentListQuery = z.infer<typeof IncidentListQuery>;

interface Cursor {
  createdAt: string;
  id: string;
}

function encodeCursor(incident: Incident): string {
  return Buffer.from(JSON.stringify({ createdAt: incident.createdAt.toISOString(), id: incident.id } satisfies Cursor)).toString(
    'base64url',
  );
}

function decodeCursor(cursor: string): Cursor {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Cursor;
    if (typeof value.createdAt !== 'string' || !z.uuid().safeParse(value.id).success || Number.isNaN(Date.parse(value.createdAt)))
      throw new Error();
    return value;
  } catch {
    throw new InvalidInputError('cursor: not a cursor this API returned.');
  }
}

/** Newest first, filtered; `nextCursor` continues the list. */
export async function listIncidents(db: Database, query: IncidentListQuery): Promise<{ incidents: Incident[]; nextCursor: string | null }> {
  const filters: (SQL | undefined)[] = [];
  // A closed incident that still owes a breach obligation counts as open: its clock still runs.
  if (query.status === 'open') filters.push(or(isNull(incidents.closedAt), hasOpenObligation(incidents.id)));
  if (query.status === 'closed') filters.push(and(isNotNull(incidents.closedAt), not(hasOpenObligation(incidents.id))));
  if (query.phase) filters.push(eq(incidents.phase, query.phase));
  if (query.severity) filters.push(eq(incidents.severity, query.severity));
  if (query.service) filters.push(arrayContains(incidents.services, [query.service]));
  if (query.breach) filters.push(eq(incidents.isBreach, query.breach === 'true'));
  if (query.cursor) {
    const cursor = decodeCursor(query.cursor);
    const createdAt = new Date(cursor.createdAt);
    // A row comparison, not an OR of two conditions: Postgres then starts the index scan at the cursor.
    filters.push(sql`(${incidents.createdAt}, ${incidents.id}) < (${createdAt}, ${cursor.id}::uuid)`);
  }
  const rows = await db
    .select()
    .from(incidents)
    .where(and(...filters))
    .orderBy(desc(incidents.createdAt), desc(incidents.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { incidents: page, nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
}
