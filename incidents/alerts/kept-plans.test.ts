import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Database, DatabaseHandle } from '../../platform/index.ts';
import { KEPT_PLANS, queryRows, systemContext } from '../../platform/index.ts';
import { TEST_CONFIG } from '../../test/harness/config.ts';
import { openTestDatabase } from '../../test/harness/database.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import { watchStatements } from '../../test/harness/statements.ts';
import { activeSilences } from './active-silences.ts';
import { lockKeys } from './advisory-locks.ts';
import { firstLook, refreshAlertRows, selectAlerts } from './alert-statements.ts';
import { createSilence } from './create-silence.ts';
import type { ReceivedAlert } from './ingest-shapes.ts';
import { createInhibitRule } from './inhibit-rules.ts';
import { readInhibitRules } from './inhibition.ts';
import { receiveAlerts } from './receive-alerts.ts';

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

/** What the inhibition rules' read of their possible source alerts says, and no other statement. */
const READS_EVERY_FIRING_ALERT = 'a.labels @> any(array(';

/**
 * Plans the statements as their kept plans are made (KEPT_PLANS) while `handle`'s tables are empty,
 * grows `alerts` to 20,000 rows, and checks that each plan still reaches alerts by key: reading every
 * row of alerts, directly or to hash it for a join, is what a plan kept from an empty table does wrong.
 */
async function expectSeeksOnceGrown(handle: DatabaseHandle, statements: { text: string; params: unknown[] }[]): Promise<void> {
  await handle.withDedicatedConnection(async (db) => {
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
      expect(plan, statement.text).not.toMatch(/Seq Scan on alerts|Hash Join|Merge Join|Hash Semi Join/);
      for (const scan of plan.matchAll(/Index Scan using (\S+) on alerts[^\n]*\n(\s+\S[^\n]*)?/g)) {
        // The one read of all firing alerts, by design (inhibition's possible sources: no index on
        // labels, see inhibition.ts), is held to the firing ones.
        if (statement.text.includes(READS_EVERY_FIRING_ALERT)) expect(scan[1], statement.text).toBe('alerts_firing_idx');
        else expect(scan[0], statement.text).toMatch(/Index Cond/);
      }
    }
  });
}

/**
 * Records the statements that transactions on `db` issue with kept plans: those sent between
 * planGenerically's two settings (generic plans, then custom ones again), in the order sent.
 */
function recordKeptStatements(db: Database): { text: string; params: unknown[] }[] {
  const kept: { text: string; params: unknown[] }[] = [];
  let keeping = false;
  watchStatements(db, (text, params) => {
    if (text.includes("'force_generic_plan'")) keeping = true;
    else if (text.includes("'force_custom_plan'")) keeping = false;
    else if (keeping) kept.push({ text, params });
  });
  return kept;
}

describeOnBackends('kept plans of the ingest reads', (backend) => {
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
    await expectSeeksOnceGrown(handle, statements);
  });

  it('every statement an ingest transaction runs with a kept plan still seeks by key once the alerts table has grown', async ({
    database: handle,
  }) => {
    // Deliveries that take every path of the transaction: new alerts opening incidents and joining
    // them, an alert muted by a silence and one by an inhibition rule, heartbeats that move endsAt,
    // a resolution, and a re-fire.
    const ctx = systemContext(handle.db, TEST_CONFIG);
    await createInhibitRule(ctx, {
      source_matchers: ['alertname="ClusterDown"'],
      target_matchers: ['severity="warning"'],
      equal: ['cluster'],
    });
    await createSilence(ctx, { matchers: 'service="muted"', endsAt: new Date(Date.now() + 3_600_000), comment: 'maintenance' });
    const kept = recordKeptStatements(handle.db);
    const startsAt = new Date(Date.now() - 60_000);
    const deliver = (endsAt: Date, only?: string) =>
      receiveAlerts(
        ctx,
        (
          [
            { alertname: 'HighErrorRate', service: 'api', instance: 'api-1', severity: 'critical', cluster: 'c1' },
            { alertname: 'HighErrorRate', service: 'api', instance: 'api-2', severity: 'critical', cluster: 'c1' },
            { alertname: 'ClusterDown', service: 'k8s', severity: 'critical', cluster: 'c1' },
            { alertname: 'PodRestarts', service: 'k8s', severity: 'warning', cluster: 'c1' },
            { alertname: 'DiskFull', service: 'muted', severity: 'critical', cluster: 'c1' },
          ] as Record<string, string>[]
        )
          .filter((labels) => !only || labels.instance === only)
          .map(
            (labels): ReceivedAlert => ({ labels, annotations: { summary: `${labels.alertname} on ${labels.service}` }, startsAt, endsAt }),
          ),
        { source: 'prometheus' },
      );
    const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000);
    await deliver(inMinutes(5));
    await deliver(inMinutes(6));
    await deliver(new Date(Date.now() - 1000), 'api-1');
    await deliver(inMinutes(7), 'api-1');

    const statements = [...new Map(kept.map((statement) => [statement.text, statement])).values()];
    // The paths were taken: the heartbeats' update, the insert of new alerts and the timeline entries among them.
    for (const fragment of ['update alerts a set', 'insert into alerts', 'insert into timeline_events'])
      expect(
        statements.some((statement) => statement.text.includes(fragment)),
        fragment,
      ).toBe(true);
    // Planned on empty tables of a database of their own, as a new replica's connections first plan them.
    const empty = await openTestDatabase(backend);
    try {
      await expectSeeksOnceGrown(empty, statements);
    } finally {
      await empty.close();
    }
  });
});
