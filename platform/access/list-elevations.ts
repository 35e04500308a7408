import { and, desc, eq, gte, inArray, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { ActionContext } from '../auth/actor.ts';
import { can } from '../auth/actor.ts';
import type { Elevation } from '../schema/elevations.ts';
import { ELEVATION_STATUSES, elevations } from '../schema/elevations.ts';

export const ElevationListQuery = z.object({
  /** Comma-separated statuses, e.g. "pending,active". */
  status: z
    .string()
    .transform((value) => value.split(',').map((status) => status.trim()))
    .pipe(z.array(z.enum(ELEVATION_STATUSES)))
    .optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type ElevationListQuery = z.infer<typeof ElevationListQuery>;

/** Elevations, newest first: an admin sees everyone's (unless `ownOnly`), anyone else their own. */
export async function listElevations(
  ctx: ActionContext,
  query: ElevationListQuery,
  options: { ownOnly?: boolean } = {},
): Promise<Elevation[]> {
  const filters: SQL[] = [];
  if (options.ownOnly || !can(ctx.actor, 'users:manage')) {
    if (!ctx.actor.userId) return [];
    filters.push(eq(elevations.userId, ctx.actor.userId));
  }
  if (query.status?.length) filters.push(inArray(elevations.status, query.status));
  if (query.since) filters.push(gte(elevations.requestedAt, new Date(query.since)));
  return ctx.db
    .select()
    .from(elevations)
    .where(and(...filters))
    .orderBy(desc(elevations.requestedAt))
    .limit(query.limit);
}
