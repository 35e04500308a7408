import type { SQL } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import type { RetentionClass } from '../../platform/index.ts';
import { queryRows } from '../../platform/index.ts';

// Incidents whose breach records (assessment facts, applied regimes, obligations, warnings, notices and
// their recipients) may go: closed, and with no obligation still to be met. The breach_facts guard
// (platform/database/migrate.ts) refuses the rest even to a statement that skipped this check.
const holdsBreachRecords = sql`(
  exists (select 1 from breach_facts f where f.incident_id = i.id)
  or exists (select 1 from breach_incident_regimes r where r.incident_id = i.id)
  or exists (select 1 from breach_notices n where n.incident_id = i.id))`;
const noOpenObligation = sql`not exists (
  select 1 from breach_obligations o where o.incident_id = i.id and o.status in ('assessing', 'applicable'))`;

// An incident's records are deleted together; this many incidents a batch keeps a batch near its row limit.
const ROWS_PER_INCIDENT = 20;

async function count(tx: Parameters<RetentionClass['deleteBatch']>[0], statement: SQL): Promise<number> {
  return (await queryRows<{ one: number }>(tx, statement)).length;
}

/**
 * Breach records as a retention class (BREACH_RETENTION_DAYS, three years unless set shorter on
 * purpose): an incident's breach records are deleted that long after the incident closed, never while
 * one of its obligations is still to be met. The incident and its timeline stay.
 */
export const breachRecordRetention: RetentionClass = {
  name: 'breach_records',
  async oldestRowAt(db) {
    const [row] = await queryRows<{ oldest: Date | string | null }>(
      db,
      sql`select min(i.closed_at) as oldest from incidents i where i.closed_at is not null and ${holdsBreachRecords}`,
    );
    return row?.oldest ? new Date(row.oldest) : null;
  },
  async deleteBatch(tx, cutoff, limit) {
    // A share lock on each incident: a change to it (which takes the row for update) waits, or is waited for.
    const due = await queryRows<{ id: string }>(
      tx,
      sql`select i.id from incidents i
          where i.closed_at < ${cutoff.toISOString()}::timestamptz and ${holdsBreachRecords} and ${noOpenObligation}
          order by i.closed_at
          limit ${Math.max(1, Math.floor(limit / ROWS_PER_INCIDENT))}
          for share of i skip locked`,
    );
    if (due.length === 0) return 0;
    const ids = sql`(select value::uuid from jsonb_array_elements_text(${JSON.stringify(due.map((row) => row.id))}::jsonb))`;
    let deleted = 0;
    deleted += await count(
      tx,
      sql`delete from breach_notice_recipients where notice_id in (select id from breach_notices where incident_id in ${ids}) returning 1 as one`,
    );
    deleted += await count(tx, sql`delete from breach_notices where incident_id in ${ids} returning 1 as one`);
    deleted += await count(
      tx,
      sql`delete from breach_warnings where obligation_id in (select id from breach_obligations where incident_id in ${ids}) returning 1 as one`,
    );
    deleted += await count(
      tx,
      sql`delete from breach_obligations where incident_id in ${ids} and status not in ('assessing', 'applicable') returning 1 as one`,
    );
    deleted += await count(tx, sql`delete from breach_incident_regimes where incident_id in ${ids} returning 1 as one`);
    deleted += await count(tx, sql`delete from breach_facts where incident_id in ${ids} returning 1 as one`);
    return deleted;
  },
};
