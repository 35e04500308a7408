import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Database } from '../../platform/index.ts';
import { KEPT_PLANS, queryRows } from '../../platform/index.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import { activeSilences } from './active-silences.ts';
import { lockKeys } from './advisory-locks.ts';
import { firstLook, refreshAlertRows, selectAlerts } from './alert-statements.ts';
import { readInhibitRules } from './inhibition.ts';

/** The statements a call issues, with their parameters, as a prepared-statement driver would receive them. */
async function statementsOf(call: (db: Database) => Promise<unknown>): Promise<{ text: string; params: unknown[] }[]> {
  const issued: { text: string; params: unknown[] }[] = [];
  const recorder = {
    session: {
      client: {
        unsafe: (text: string, params: unknown[]) => {
          issued.push({ text, params });
          return { execute: () => Promise.resolve([]) };
        },
      },
    },
  } as unknown as Database;
  await call(recorder);
  return issued;
}

const literal = (value: unknown) => (value === null ? 'null' : `'${String(value).replaceAll("'", "''")}'`);

async function planOf(db: Database, name: string, params: unknown[]): Promise<string> {
  const rows = await queryRows<{ 'QUERY PLAN': string }>(
    db,
    sql.raw(`explain execute ${name}${params.length > 0 ? `(${params.map(literal).join(', ')})` : ''}`),
  );
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}

describeOnBackends('kept plans of the ingest reads', () => {
  it('made while the tables were empty, still seek by key once the alerts table has grown', async ({ database: handle }) => {
    const now = new Date();
    // The statements that run with kept plans (planGenerically, preparedLookup) and read a table.
    const statements = [
      ...(await statementsOf((db) => firstLook(db, ['a1', 'a2'], new Set(['g1'])))).slice(0, 1),
      ...(await statementsOf((db) => selectAlerts(db, ['a1', 'a2']))),
      ...(await statementsOf((db) => activeSilences(db, now))),
      ...(await statementsOf((db) => readInhibitRules(db))),
      ...(await statementsOf((db) => lockKeys(db, ['alert:a1', 'group:g1']))),
      ...(await statementsOf((db) =>
        refreshAlertRows(
          db,
          [
            {
              fingerprint: 'grown-7',
              state: {
                status: 'firing',
                startsAt: now,
                endsAt: new Date(now.getTime() + 7_200_000),
                endsAtIsTimeout: false,
                annotations: {},
                generatorUrl: null,
                severity: 'sev2',
              },
            },
          ],
          now,
        ),
      )),
    ];
    expect(statements).toHaveLength(6);
    await handle.withDedicatedConnection(async (db) => {
      // As the lookup connections' sessions, and planGenerically within a transaction, plan them.
      for (const [name, value] of Object.entries(KEPT_PLANS)) await db.execute(sql.raw(`set ${name} = ${value}`));
      for (const [index, statement] of statements.entries()) {
        await db.execute(sql.raw(`prepare kept_${index} as ${statement.text}`));
        await planOf(db, `kept_${index}`, statement.params);
      }
      await db.execute(
        sql.raw(`insert into alerts (fingerprint, labels, annotations, severity, status, starts_at, ends_at, group_key, source)
          select 'grown-' || n, '{}', '{}', 'sev2', 'firing', now(), now() + interval '1 hour', 'g', 'api' from generate_series(1, 20000) as n`),
      );
      for (const [index, statement] of statements.entries()) {
        const plan = await planOf(db, `kept_${index}`, statement.params);
        // Reading every row of alerts, directly or to hash it for a join, is what a plan kept from an empty table does wrong.
        expect(plan, statement.text).not.toMatch(/Seq Scan on alerts|Hash Join|Merge Join|Hash Semi Join/);
        for (const scan of plan.matchAll(/Index Scan using \S+ on alerts[^\n]*\n(\s+\S[^\n]*)?/g)) {
          expect(scan[0], statement.text).toMatch(/Index Cond/);
        }
      }
    });
  });
});
