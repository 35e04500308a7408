import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Database, DatabaseHandle } from '../../platform/index.ts';
import { openDatabase, queryRows, runMigrations, sqlStateOf, systemContext } from '../../platform/index.ts';
import { TEST_CONFIG } from '../../test/harness/config.ts';
import { createEmptyPostgresDatabase, databaseBackends } from '../../test/harness/database.ts';
import { counterValue } from '../../test/harness/metrics.ts';
import { lockName } from './advisory-locks.ts';
import { alertSettingsFrom, groupKeyOf } from './alert-settings.ts';
import { alertFingerprint } from './fingerprint.ts';
import type { ReceivedAlert } from './ingest-shapes.ts';
import { receiveAlerts } from './receive-alerts.ts';

const minutes = (count: number) => count * 60_000;

function storm(round: number, replica: number): ReceivedAlert[] {
  const now = Date.now();
  const alerts: ReceivedAlert[] = [];
  // 40 alerts in 4 groups that every replica sends each round (heartbeats after the first), and 10
  // alerts new to this round and replica, in the same 4 groups.
  for (let index = 0; index < 50; index++) {
    const instance = index < 40 ? `shared-${index}` : `r${replica}-round${round}-${index}`;
    alerts.push({
      labels: { alertname: 'ReplicaStorm', service: `svc-${index % 4}`, instance },
      annotations: { summary: `instance ${instance} is down` },
      startsAt: new Date(now - minutes(1) - round * 1000),
      endsAt: new Date(now + minutes(5) + round * 1000),
      endsAtIsTimeout: true,
    });
  }
  return alerts;
}

/**
 * Two replicas (two pools, each with its own ingest queue and connections) on a fresh migrated
 * database, closed and dropped afterwards.
 */
async function withTwoReplicas(run: (first: DatabaseHandle, second: DatabaseHandle) => Promise<void>): Promise<void> {
  const empty = await createEmptyPostgresDatabase();
  const [first, second] = await Promise.all([1, 2].map(() => openDatabase({ url: empty.url, poolSize: 4 })));
  try {
    if (!first || !second) throw new Error('no replica');
    await runMigrations(first);
    await run(first, second);
  } finally {
    await Promise.all([first, second].map((replica) => replica?.close()));
    await empty.drop();
  }
}

/**
 * Takes a lock in a transaction on `db` (`take`) and holds it until release(), which runs `beforeEnd`
 * in that transaction and ends it. Resolves once the lock is taken.
 */
async function holdInTransaction(
  db: Database,
  take: (tx: Database) => Promise<unknown>,
  beforeEnd?: (tx: Database) => Promise<unknown>,
): Promise<() => Promise<void>> {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  let locked: () => void = () => undefined;
  const lockTaken = new Promise<void>((resolve) => (locked = resolve));
  const holding = db.transaction(async (tx) => {
    await take(tx);
    locked();
    await held;
    await beforeEnd?.(tx);
  });
  await Promise.race([lockTaken, holding]);
  return async () => {
    release();
    await holding;
  };
}

/** holdInTransaction() for an advisory lock. */
function holdLock(db: Database, name: string, beforeEnd?: (tx: Database) => Promise<unknown>): Promise<() => Promise<void>> {
  return holdInTransaction(db, (tx) => tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${name}, 0))`), beforeEnd);
}

/** Resolves once `count` lock requests wait (advisory locks only, unless `anyKind`). */
async function someoneWaitsForALock(db: Database, count = 1, anyKind = false): Promise<void> {
  await expect
    .poll(
      async () =>
        (
          await queryRows<{ waiting: number }>(
            db,
            sql`select count(*)::int as waiting from pg_locks where (locktype = 'advisory' or ${anyKind}) and not granted`,
          )
        )[0]?.waiting,
      { timeout: 5000 },
    )
    .toBe(count);
}

const firing = (labels: Record<string, string>): ReceivedAlert => ({
  labels,
  annotations: {},
  startsAt: new Date(Date.now() - minutes(1)),
  endsAt: new Date(Date.now() + minutes(5)),
});

describe.runIf(databaseBackends.includes('postgres'))('alert ingestion by replicas at once', () => {
  it('two replicas taking the same storm together make one incident per group and one join per alert', async () => {
    await withTwoReplicas(async (first, second) => {
      const replicas = [first, second];
      const deliveries: Promise<unknown>[] = [];
      for (let round = 0; round < 6; round++) {
        for (const [index, replica] of replicas.entries()) {
          // Several requests in flight per replica, as an HA pair and retries make them.
          deliveries.push(receiveAlerts(systemContext(replica.db, TEST_CONFIG), storm(round, index), { source: 'prometheus' }));
          deliveries.push(
            receiveAlerts(systemContext(replica.db, TEST_CONFIG), storm(round, index).slice(0, 40), { source: 'prometheus' }),
          );
        }
      }
      await Promise.all(deliveries);

      const count = async (query: ReturnType<typeof sql>) => (await queryRows<{ count: number }>(first.db, query))[0]?.count;
      const alertCount = 40 + 6 * 2 * 10;
      expect(await count(sql`select count(*)::int as count from alerts`)).toBe(alertCount);
      expect(await count(sql`select count(*)::int as count from incidents`)).toBe(4);
      expect(await count(sql`select count(distinct group_key)::int as count from incidents`)).toBe(4);
      expect(await count(sql`select count(*)::int as count from alerts where incident_id is null or status <> 'firing'`)).toBe(0);
      // Every alert joined its incident exactly once, whichever replica took it first.
      const joins = sql`select jsonb_array_elements_text(data -> 'fingerprints' -> 'joined') as fingerprint from timeline_events where type = 'alerts.changed'`;
      expect(await count(sql`select count(*)::int as count from (${joins}) as j`)).toBe(alertCount);
      expect(await count(sql`select count(distinct fingerprint)::int as count from (${joins}) as j`)).toBe(alertCount);
      // Each alert sits in the incident of its own group.
      expect(
        await count(
          sql`select count(*)::int as count from alerts a join incidents i on i.id = a.incident_id where i.group_key <> a.group_key`,
        ),
      ).toBe(0);
    });
  });

  it('alerts being written lock the incident they name, as a foreign key would: it cannot go meanwhile, and updates go on', async () => {
    await withTwoReplicas(async (first, second) => {
      const opening = await receiveAlerts(systemContext(first.db, TEST_CONFIG), [firing({ alertname: 'Held', instance: 'a' })], {
        source: 'prometheus',
      });
      const [incident] = opening.incidentsOpened;
      // A transaction that has inserted an alert of the incident and not yet committed.
      const release = await holdInTransaction(first.db, (tx) =>
        tx.execute(sql`insert into alerts (fingerprint, labels, severity, status, starts_at, source, group_key, incident_id)
          values ('held', '{}', 'sev3', 'firing', now(), 'api', 'held', ${incident})`),
      );
      try {
        const locked = await second.db.execute(sql`select id from incidents where id = ${incident} for update nowait`).then(
          () => null,
          (error: unknown) => sqlStateOf(error),
        );
        expect(locked).toBe('55P03');
        await second.db.execute(sql`update incidents set title = title || ' (held)' where id = ${incident}`);
      } finally {
        await release();
      }
      await second.db.execute(sql`select id from incidents where id = ${incident} for update nowait`);
    });
  });

  it('a new alert that another replica stores first is found stored when its batch runs again', async () => {
    await withTwoReplicas(async (first, second) => {
      const opening = await receiveAlerts(systemContext(first.db, TEST_CONFIG), [firing({ alertname: 'Race', instance: 'a' })], {
        source: 'prometheus',
      });
      const [incident] = opening.incidentsOpened;
      const raced = firing({ alertname: 'Race', instance: 'b' });
      const claimedRetries = () => counterValue('firebreak_alert_ingest_retries_total', { cause: 'claimed' });
      const retriesBefore = await claimedRetries();

      // The first replica's transaction inserts the new alert, then waits (the check of the incident it
      // names locks the incident's row FOR KEY SHARE, and this test holds it) with the insert not yet committed.
      const release = await holdInTransaction(second.db, (tx) =>
        tx.execute(sql`select id from incidents where id = ${incident} for update`),
      );
      const firstTake = receiveAlerts(systemContext(first.db, TEST_CONFIG), [raced], { source: 'prometheus' });
      await someoneWaitsForALock(second.db, 1, true);
      // The second replica's first read cannot see that row: its insert of the same alert waits for
      // the first one's transaction, and fails once it commits.
      const secondTake = receiveAlerts(systemContext(second.db, TEST_CONFIG), [raced], { source: 'prometheus' });
      await someoneWaitsForALock(second.db, 2, true);
      await release();

      expect((await firstTake).created).toBe(1);
      const again = await secondTake;
      expect(again.created).toBe(0);
      expect(again.unchanged).toBe(1);
      expect(await claimedRetries()).toBe(retriesBefore + 1);
      const joins = await queryRows<{ fingerprint: string }>(
        first.db,
        sql`select jsonb_array_elements_text(data -> 'fingerprints' -> 'joined') as fingerprint from timeline_events where type = 'alerts.changed'`,
      );
      expect(joins.map((row) => row.fingerprint).sort()).toEqual(
        [alertFingerprint(firing({ alertname: 'Race', instance: 'a' }).labels), alertFingerprint(raced.labels)].sort(),
      );
      const stored = await queryRows<{ count: number }>(first.db, sql`select count(*)::int as count from alerts`);
      expect(stored[0]?.count).toBe(2);
    });
  });

  it('a delivery waiting behind a transaction held up by a lock goes through beside it', async () => {
    await withTwoReplicas(async (ingesting, other) => {
      const stuck = firing({ alertname: 'Stuck', service: 'edge' });
      // Another replica holds the lock of the alert's group: the transaction opening its incident waits.
      const release = await holdLock(other.db, lockName('group', groupKeyOf(stuck.labels, alertSettingsFrom(TEST_CONFIG).groupBy)));
      let stuckDone = false;
      const first = receiveAlerts(systemContext(ingesting.db, TEST_CONFIG), [stuck], { source: 'prometheus' }).finally(() => {
        stuckDone = true;
      });
      await someoneWaitsForALock(other.db);

      // One alert is no batch of its own: it waits for the running transaction, but only briefly, not
      // for as long as that transaction is held up.
      const second = await receiveAlerts(systemContext(ingesting.db, TEST_CONFIG), [firing({ alertname: 'Other', service: 'edge' })], {
        source: 'prometheus',
      });
      expect(second.created).toBe(1);
      expect(stuckDone).toBe(false);

      await release();
      expect((await first).created).toBe(1);
    });
  });

  it('opens a new incident when the open one of its group ends while it waits for the group lock', async () => {
    await withTwoReplicas(async (ingesting, other) => {
      const upgrade = (instance: string) => firing({ alertname: 'Upgrade', service: 'edge', instance });
      const first = await receiveAlerts(systemContext(ingesting.db, TEST_CONFIG), [upgrade('a')], { source: 'prometheus' });
      const [opened] = first.incidentsOpened;
      const groupKey = groupKeyOf(upgrade('a').labels, alertSettingsFrom(TEST_CONFIG).groupBy);

      // Another replica holds the group's lock and recovers the incident meanwhile: the delivery saw an
      // open incident (so it asked for the lock shared), and must take it exclusively to open a new one.
      const release = await holdLock(other.db, lockName('group', groupKey), (tx) =>
        tx.execute(sql`update incidents set recovered_at = now() where id = ${opened}`),
      );
      const second = receiveAlerts(systemContext(ingesting.db, TEST_CONFIG), [upgrade('b')], { source: 'prometheus' });
      await someoneWaitsForALock(other.db);
      await release();
      const summary = await second;

      expect(summary.incidentsOpened).toHaveLength(1);
      expect(summary.incidentsOpened[0]).not.toBe(opened);
      const rows = await queryRows<{ instance: string; incident_id: string }>(
        ingesting.db,
        sql`select labels ->> 'instance' as instance, incident_id::text from alerts order by 1`,
      );
      expect(rows).toEqual([
        { instance: 'a', incident_id: opened },
        { instance: 'b', incident_id: summary.incidentsOpened[0] },
      ]);
    });
  });
});
