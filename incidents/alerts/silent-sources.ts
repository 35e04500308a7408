import { and, inArray, sql } from 'drizzle-orm';
import type { Database } from '../../platform/index.ts';
import { alerts } from './schema/alerts.ts';

/**
 * Of these incidents, those whose alerts went silent: none fires any more and some expired (their
 * source stopped refreshing them without resolving them), with how many expired. Such an incident is
 * not recovered: nothing said so. The index on (incident_id, status) answers.
 */
export async function silentSourceIncidents(db: Database, incidentIds: readonly string[]): Promise<Map<string, number>> {
  const silent = new Map<string, number>();
  if (incidentIds.length === 0) return silent;
  const rows = await db
    .select({
      incidentId: alerts.incidentId,
      firing: sql<number>`count(*) filter (where ${alerts.status} = 'firing')::int`,
      expired: sql<number>`count(*) filter (where ${alerts.status} = 'expired')::int`,
    })
    .from(alerts)
    .where(and(inArray(alerts.incidentId, [...incidentIds]), inArray(alerts.status, ['firing', 'expired'])))
    .groupBy(alerts.incidentId);
  for (const row of rows)
    if (row.incidentId && Number(row.firing) === 0 && Number(row.expired) > 0) silent.set(row.incidentId, Number(row.expired));
  return silent;
}
