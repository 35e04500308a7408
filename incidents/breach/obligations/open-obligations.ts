import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../../../platform/index.ts';
import { breachObligations } from './schema/breach-obligations.ts';

const OPEN = ['assessing', 'applicable'] as const;

/** The obligations of an incident still to be met (assessing or applicable), soonest due first. */
export async function openObligations(db: Database, incidentId: string) {
  return db
    .select({
      id: breachObligations.id,
      regime: breachObligations.regimeId,
      key: breachObligations.key,
      title: breachObligations.title,
      dueAt: breachObligations.effectiveDueAt,
    })
    .from(breachObligations)
    .where(and(eq(breachObligations.incidentId, incidentId), inArray(breachObligations.status, [...OPEN])))
    .orderBy(sql`${breachObligations.effectiveDueAt} asc nulls last`, asc(breachObligations.key));
}

/** A condition for a query on incidents: the incident has an obligation still to be met. */
export function hasOpenObligation(incidentIdColumn: unknown) {
  return sql`exists (select 1 from ${breachObligations} where ${breachObligations.incidentId} = ${incidentIdColumn} and ${inArray(breachObligations.status, [...OPEN])})`;
}
