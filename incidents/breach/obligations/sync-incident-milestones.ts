import { sql } from 'drizzle-orm';
import { queryRows } from '../../../platform/index.ts';
import type { Database } from '../../../platform/index.ts';
import { recomputeObligations } from './recompute-obligations.ts';

/**
 * The incident's identification milestone stands in for the `identifiedAt` anchor until a person records
 * it. Phase transitions do not call into the breach part, so this periodic job starts the clocks that
 * were waiting for it. Returns the incidents recomputed.
 */
export async function syncIncidentMilestones(tx: Database, now: Date): Promise<number> {
  const waiting = await queryRows<{ incident_id: string }>(
    tx,
    sql`select distinct o.incident_id
        from breach_obligations o
        join incidents i on i.id = o.incident_id
        join breach_incident_regimes r on r.id = o.incident_regime_id
        where o.status in ('assessing', 'applicable')
          and o.clock_started_at is null
          and i.identified_at is not null
          and r.definition::text like '%"identifiedAt"%'
          and not exists (select 1 from breach_facts f where f.incident_id = o.incident_id and f.name = 'identifiedAt')
        limit 500`,
  );
  for (const row of waiting) {
    await tx.execute(sql`select id from incidents where id = ${row.incident_id} for update`);
    await recomputeObligations(tx, row.incident_id, now);
  }
  return waiting.length;
}
