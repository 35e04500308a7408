import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { tablesInDependencyOrder } from '../../platform/backup/catalog.ts';
import type { Database } from '../../platform/index.ts';
import { queryRows, sqlStateOf, systemContext } from '../../platform/index.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import { writeAlertRows } from './alert-statements.ts';
import { NOT_FLAPPING } from './flapping.ts';
import { receiveAlerts } from './receive-alerts.ts';

/** The error a statement fails with, or null when it succeeds. */
async function refusal(statement: Promise<unknown>): Promise<{ state: string | null; message: string } | null> {
  return statement.then(
    () => null,
    (error: unknown) => {
      let message = String(error);
      for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) message = cause.message;
      return { state: sqlStateOf(error), message };
    },
  );
}

/** A new firing alert row, as ingestion writes it, naming `incidentId`. */
const newAlert = (fingerprint: string, incidentId: string | null) => ({
  stored: false,
  fingerprint,
  labels: { alertname: 'Reference', instance: fingerprint },
  source: 'prometheus' as const,
  state: {
    status: 'firing' as const,
    startsAt: new Date(),
    endsAt: null,
    endsAtIsTimeout: false,
    annotations: {},
    generatorUrl: null,
    severity: 'sev3' as const,
  },
  groupKey: 'reference',
  incidentId,
  silenceId: null,
  inhibitedBy: null,
  resolvedAt: null,
  flap: NOT_FLAPPING,
});

const count = async (db: Database, fingerprint: string) =>
  (await queryRows<{ rows: number }>(db, sql`select count(*)::int as rows from alerts where fingerprint = ${fingerprint}`))[0]?.rows;

describeOnBackends('alerts name existing incidents (checked per statement, not by a foreign key)', () => {
  it('an insert or update naming no incident is refused whole, and a named incident cannot be deleted', async ({ world }) => {
    const { firebreak } = world;
    const db = firebreak.database.db;
    const opened = await receiveAlerts(
      systemContext(db, firebreak.config),
      [{ labels: { alertname: 'Reference', instance: 'first' }, annotations: {}, startsAt: new Date(), endsAt: null }],
      { source: 'prometheus' },
    );
    const [incidentId] = opened.incidentsOpened;
    if (!incidentId) throw new Error('expected an incident');
    const nowhere = randomUUID();

    // One row of the statement names no incident: none of its rows is stored.
    const insert = await refusal(
      db.transaction((tx) => writeAlertRows(tx, [newAlert('ref-good', incidentId), newAlert('ref-bad', nowhere)], new Date())),
    );
    expect(insert?.state).toBe('23503');
    expect(insert?.message).toBe(`alerts.incident_id names incidents ${nowhere}, which does not exist`);
    expect(await count(db, 'ref-good')).toBe(0);
    // Rows naming an existing incident, or none, go in.
    await db.transaction((tx) => writeAlertRows(tx, [newAlert('ref-good', incidentId), newAlert('ref-none', null)], new Date()));
    expect(await count(db, 'ref-good')).toBe(1);

    const update = await refusal(db.execute(sql`update alerts set incident_id = ${nowhere} where fingerprint = 'ref-good'`));
    expect(update?.state).toBe('23503');
    expect(update?.message).toBe(`alerts.incident_id names incidents ${nowhere}, which does not exist`);
    const [stillThere] = await queryRows<{ incident_id: string }>(db, sql`select incident_id from alerts where fingerprint = 'ref-good'`);
    expect(stillThere?.incident_id).toBe(incidentId);
    // An update that leaves the incident alone, or names an existing one, is not held up.
    await db.execute(sql`update alerts set annotations = '{"summary":"moved"}' where fingerprint = 'ref-good'`);
    await db.execute(sql`update alerts set incident_id = ${incidentId} where fingerprint = 'ref-none'`);

    for (const statement of [
      sql`delete from incidents where id = ${incidentId}`,
      sql`update incidents set id = ${nowhere} where id = ${incidentId}`,
    ]) {
      const gone = await refusal(db.execute(statement));
      expect(gone?.state).toBe('23503');
      expect(gone?.message).toMatch(new RegExp(`^incidents ${incidentId} is still named by alerts.incident_id: (DELETE|UPDATE) refused$`));
    }
  });

  it('backups and restores put incidents before the alerts that name them', async ({ world }) => {
    const order = await tablesInDependencyOrder(world.firebreak.database.db);
    expect(order.indexOf('incidents')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('alerts')).toBeGreaterThan(order.indexOf('incidents'));
  });
});
