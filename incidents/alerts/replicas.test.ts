import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase, queryRows, runMigrations, systemContext } from '../../platform/index.ts';
import { TEST_CONFIG } from '../../test/harness/config.ts';
import { createEmptyPostgresDatabase, databaseBackends } from '../../test/harness/database.ts';
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

describe.runIf(databaseBackends.includes('postgres'))('alert ingestion by replicas at once', () => {
  it('two replicas taking the same storm together make one incident per group and one join per alert', async () => {
    const empty = await createEmptyPostgresDatabase();
    // Two pools are two replicas: each has its own ingest queue (group commit) and its own connections.
    const replicas = await Promise.all([1, 2].map(() => openDatabase({ url: empty.url, poolSize: 4 })));
    try {
      const [first] = replicas;
      if (!first) throw new Error('no replica');
      await runMigrations(first);
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
    } finally {
      await Promise.all(replicas.map((replica) => replica.close()));
      await empty.drop();
    }
  });

  it('a delivery waiting behind a transaction held up by a lock goes through beside it', async () => {
    const empty = await createEmptyPostgresDatabase();
    const [ingesting, other] = await Promise.all([1, 2].map(() => openDatabase({ url: empty.url, poolSize: 4 })));
    try {
      if (!ingesting || !other) throw new Error('no replica');
      await runMigrations(ingesting);
      const firing = (alertname: string): ReceivedAlert => ({
        labels: { alertname, service: 'edge' },
        annotations: {},
        startsAt: new Date(Date.now() - minutes(1)),
        endsAt: new Date(Date.now() + minutes(5)),
      });
      const stuck = firing('Stuck');
      // Another replica holds the alert's lock: the transaction taking it in waits.
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      let locked: () => void = () => undefined;
      const lockTaken = new Promise<void>((resolve) => (locked = resolve));
      const holding = other.db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${lockName('alert', alertFingerprint(stuck.labels))}, 0))`);
        locked();
        await held;
      });
      await lockTaken;
      let stuckDone = false;
      const first = receiveAlerts(systemContext(ingesting.db, TEST_CONFIG), [stuck], { source: 'prometheus' }).finally(() => {
        stuckDone = true;
      });
      await expect
        .poll(
          async () =>
            (
              await queryRows<{ waiting: number }>(
                other.db,
                sql`select count(*)::int as waiting from pg_locks where locktype = 'advisory' and not granted`,
              )
            )[0]?.waiting,
          { timeout: 5000 },
        )
        .toBe(1);

      // One alert is no batch of its own: it waits for the running transaction, but only briefly, not
      // for as long as that transaction is held up.
      const second = await receiveAlerts(systemContext(ingesting.db, TEST_CONFIG), [firing('Other')], { source: 'prometheus' });
      expect(second.created).toBe(1);
      expect(stuckDone).toBe(false);

      release();
      await holding;
      expect((await first).created).toBe(1);
    } finally {
      await Promise.all([ingesting, other].map((replica) => replica?.close()));
      await empty.drop();
    }
  });

  it('opens a new incident when the open one of its group ends while it waits for the group lock', async () => {
    const empty = await createEmptyPostgresDatabase();
    const [ingesting, other] = await Promise.all([1, 2].map(() => openDatabase({ url: empty.url, poolSize: 4 })));
    try {
      if (!ingesting || !other) throw new Error('no replica');
      await runMigrations(ingesting);
      const firing = (instance: string): ReceivedAlert => ({
        labels: { alertname: 'Upgrade', service: 'edge', instance },
        annotations: {},
        startsAt: new Date(Date.now() - minutes(1)),
        endsAt: new Date(Date.now() + minutes(5)),
      });
      const first = await receiveAlerts(systemContext(ingesting.db, TEST_CONFIG), [firing('a')], { source: 'prometheus' });
      const [opened] = first.incidentsOpened;
      const groupKey = groupKeyOf(firing('a').labels, alertSettingsFrom(TEST_CONFIG).groupBy);

      // Another replica holds the group's lock and recovers the incident meanwhile: the delivery saw an
      // open incident (so it asked for the lock shared), and must take it exclusively to open a new one.
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      let locked: () => void = () => undefined;
      const lockTaken = new Promise<void>((resolve) => (locked = resolve));
      const recovering = other.db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${lockName('group', groupKey)}, 0))`);
        locked();
        await held;
        await tx.execute(sql`update incidents set recovered_at = now() where id = ${opened}`);
      });
      await lockTaken;
      const second = receiveAlerts(systemContext(ingesting.db, TEST_CONFIG), [firing('b')], { source: 'prometheus' });
      await expect
        .poll(
          async () =>
            (
              await queryRows<{ waiting: number }>(
                other.db,
                sql`select count(*)::int as waiting from pg_locks where locktype = 'advisory' and not granted`,
              )
            )[0]?.waiting,
          { timeout: 5000 },
        )
        .toBe(1);
      release();
      await recovering;
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
    } finally {
      await Promise.all([ingesting, other].map((replica) => replica?.close()));
      await empty.drop();
    }
  });
});
