import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { queryRows, systemContext } from '../../platform/index.ts';
import type { TestFirebreak } from '../../test/harness/app.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import { alertFingerprint } from './fingerprint.ts';
import { receiveAlerts } from './receive-alerts.ts';

interface ErrorBody {
  error: { code: string; message: string };
}

interface ListedAlert {
  fingerprint: string;
  status: string;
  labels: Record<string, string>;
  incidentId: string | null;
  silenceId: string | null;
}

const minutes = (count: number) => new Date(Date.now() + count * 60_000).toISOString();
const alert = (labels: Record<string, string>, endsAt = minutes(5), startsAt = minutes(-1)) => ({
  labels,
  annotations: { summary: `${labels.alertname} fires` },
  startsAt,
  endsAt,
});

/** What these tests do with the service: post alerts as an ingest token, list them, count rows. */
async function alertsService(firebreak: TestFirebreak) {
  const ingest = await firebreak.tokenFor('ingest');
  return {
    ingest,
    send: async (alerts: unknown[]) => {
      const response = await firebreak.request('POST', '/api/v2/alerts', { token: ingest, json: alerts });
      expect(response.status).toBe(200);
      return (await response.json()) as { created: number; silenced: number; incidentsOpened: string[]; incidentsJoined: string[] };
    },
    listAlerts: async (query = '') =>
      (await (await firebreak.request('GET', `/api/alerts${query}`)).json()) as { alerts: ListedAlert[]; nextCursor: string | null },
    count: async (table: 'alerts' | 'incidents' | 'timeline_events') =>
      Number((await queryRows<{ n: number }>(firebreak.database.db, sql`select count(*)::int as n from ${sql.identifier(table)}`))[0]?.n),
    timelineTypes: async (incidentId: string) =>
      (
        await queryRows<{ type: string; text: string | null }>(
          firebreak.database.db,
          sql`select type, data ->> 'text' as text from timeline_events where incident_id = ${incidentId} order by id`,
        )
      ).map((row) => (row.text ? `${row.type}: ${row.text}` : row.type)),
  };
}

describeOnBackends('alerts, silences and correlation', () => {
  it('lists alerts with status, matcher and incident filters, a page at a time', async ({ firebreak }) => {
    const { send, listAlerts } = await alertsService(firebreak);
    const opened = await send([
      alert({ alertname: 'HighLatency', service: 'checkout', instance: 'a' }),
      alert({ alertname: 'HighLatency', service: 'checkout', instance: 'b' }),
      alert({ alertname: 'DiskFull', service: 'db', instance: 'c' }),
      alert({ alertname: 'DiskFull', service: 'db', instance: 'd' }, minutes(-0.5), minutes(-2)),
    ]);
    expect(opened.incidentsOpened).toHaveLength(2);
    expect((await listAlerts()).alerts).toHaveLength(4);
    expect((await listAlerts('?status=resolved')).alerts.map((row) => row.labels.instance)).toEqual(['d']);
    expect(
      (await listAlerts(`?filter=${encodeURIComponent('service="checkout"')}`)).alerts.map((row) => row.labels.instance).sort(),
    ).toEqual(['a', 'b']);
    const regex = await listAlerts(
      `?filter=${encodeURIComponent('instance=~"[ac]"')}&filter=${encodeURIComponent('alertname!="DiskFull"')}`,
    );
    expect(regex.alerts.map((row) => row.labels.instance)).toEqual(['a']);
    const checkoutIncident = (await listAlerts(`?filter=${encodeURIComponent('instance="a"')}`)).alerts[0]?.incidentId;
    const [incident] = await queryRows<{ number: number }>(
      firebreak.database.db,
      sql`select number from incidents where id = ${checkoutIncident ?? ''}`,
    );
    expect((await listAlerts(`?incident=INC-${incident?.number}`)).alerts.map((row) => row.labels.instance).sort()).toEqual(['a', 'b']);

    const first = await listAlerts('?limit=3');
    expect(first.alerts).toHaveLength(3);
    expect(first.nextCursor).not.toBeNull();
    const second = await listAlerts(`?limit=3&cursor=${first.nextCursor}`);
    expect(second.alerts).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.alerts, ...second.alerts].map((row) => row.fingerprint)).size).toBe(4);
  });

  it('answers bad list queries with 400, and needs alerts:read', async ({ firebreak }) => {
    const { ingest } = await alertsService(firebreak);
    const bad = await firebreak.request('GET', `/api/alerts?filter=${encodeURIComponent('instance=~"("')}`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).error.message).toMatch(/invalid regular expression/);
    expect((await firebreak.request('GET', '/api/alerts?status=burning')).status).toBe(400);
    expect((await firebreak.request('GET', '/api/alerts?cursor=nonsense')).status).toBe(400);
    expect((await firebreak.request('GET', '/api/alerts', { token: null })).status).toBe(401);
    expect((await firebreak.request('GET', '/api/alerts', { token: ingest })).status).toBe(403);
    expect((await firebreak.request('GET', '/api/alerts', { token: await firebreak.tokenFor('viewer') })).status).toBe(200);
  });

  it('silences: a matching alert is stored but opens nothing; after expiry its next heartbeat opens the incident', async ({
    firebreak,
  }) => {
    const { send, listAlerts } = await alertsService(firebreak);
    const responder = await firebreak.tokenFor('responder');
    const created = await firebreak.request('POST', '/api/silences', {
      token: responder,
      json: { matchers: 'service="db", alertname=~"Disk.*"', endsAt: minutes(60), comment: 'storage maintenance CHG-1234' },
    });
    expect(created.status).toBe(201);
    const silence = (await created.json()) as { id: string; status: string; matchersText: string; createdBy: string };
    expect(silence).toMatchObject({ status: 'active', matchersText: 'service="db", alertname=~"Disk.*"' });

    const muted = await send([
      alert({ alertname: 'DiskFull', service: 'db', instance: 'c' }),
      alert({ alertname: 'HighLatency', service: 'checkout', instance: 'a' }),
    ]);
    expect(muted).toMatchObject({ created: 2, silenced: 1 });
    expect(muted.incidentsOpened).toHaveLength(1);
    const [disk] = (await listAlerts('?silenced=true')).alerts;
    expect(disk).toMatchObject({ labels: { alertname: 'DiskFull' }, incidentId: null, silenceId: silence.id });
    // The muted alert's heartbeat stays muted.
    expect(await send([alert({ alertname: 'DiskFull', service: 'db', instance: 'c' }, minutes(6))])).toMatchObject({ incidentsOpened: [] });

    const listed = (await (await firebreak.request('GET', '/api/silences?status=active', { token: responder })).json()) as {
      silences: { id: string }[];
    };
    expect(listed.silences.map((row) => row.id)).toEqual([silence.id]);
    const expired = await firebreak.request('DELETE', `/api/silences/${silence.id}`, { token: responder });
    expect(expired.status).toBe(200);
    expect(await expired.json()).toMatchObject({ status: 'expired' });

    const afterExpiry = await send([alert({ alertname: 'DiskFull', service: 'db', instance: 'c' }, minutes(7))]);
    expect(afterExpiry.incidentsOpened).toHaveLength(1);
    expect((await listAlerts('?silenced=true')).alerts).toHaveLength(0);
    const audit = (await (await firebreak.request('GET', '/api/audit')).json()) as { entries: { action: string; targetId: string }[] };
    expect(
      audit.entries
        .filter((entry) => entry.targetId === silence.id)
        .map((entry) => entry.action)
        .sort(),
    ).toEqual(['alerts.silence.create', 'alerts.silence.expire']);
  });

  it('refuses bad silences naming the problem, and needs silences:write', async ({ firebreak }) => {
    const post = (json: unknown, token?: string) => firebreak.request('POST', '/api/silences', { json, ...(token ? { token } : {}) });
    const expectBad = async (json: unknown, pattern: RegExp) => {
      const response = await post(json);
      expect(response.status).toBe(400);
      expect(((await response.json()) as ErrorBody).error.message).toMatch(pattern);
    };
    await expectBad({ matchers: 'service', endsAt: minutes(60), comment: 'x' }, /expected name/);
    await expectBad({ matchers: 'team=~".*"', endsAt: minutes(60), comment: 'x' }, /must not match the empty string/);
    await expectBad({ matchers: 'instance=~"("', endsAt: minutes(60), comment: 'x' }, /invalid regular expression/);
    await expectBad({ matchers: 'service="db"', endsAt: minutes(-1), comment: 'x' }, /endsAt/);
    await expectBad({ matchers: 'service="db"', endsAt: minutes(60), comment: '' }, /comment/);
    await expectBad({ matchers: [{ name: 'service', value: 'db', isRegex: 'yes' }], endsAt: minutes(60), comment: 'x' }, /isRegex/);
    const viewer = await firebreak.tokenFor('viewer');
    expect((await post({ matchers: 'service="db"', endsAt: minutes(60), comment: 'x' }, viewer)).status).toBe(403);
    expect((await firebreak.request('DELETE', '/api/silences/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    expect(await queryRows(firebreak.database.db, sql`select id from silences`)).toHaveLength(0);
  });

  it('accepts Alertmanager API v2 matcher objects', async ({ firebreak }) => {
    const response = await firebreak.request('POST', '/api/silences', {
      json: {
        matchers: [{ name: 'service', value: 'db', isRegex: false, isEqual: true }, 'severity!="critical"'],
        startsAt: minutes(10),
        endsAt: minutes(70),
        comment: 'later',
      },
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ status: 'pending', matchersText: 'service="db", severity!="critical"' });
  });

  it('a re-fire within the window returns to its incident even after recovery; later it opens a new one', async ({ firebreak }) => {
    const { timelineTypes } = await alertsService(firebreak);
    const db = firebreak.database.db;
    const system = systemContext(db, firebreak.config);
    const labels = { alertname: 'QueueBacklog', service: 'billing', severity: 'error' };
    const t = (offsetMinutes: number) => new Date(Date.now() + offsetMinutes * 60_000);
    const first = await receiveAlerts(system, [{ labels, annotations: {}, startsAt: t(-60), endsAt: null }], { now: t(-60) });
    const [incidentId] = first.incidentsOpened;
    if (!incidentId) throw new Error('expected an incident');
    await receiveAlerts(system, [{ labels, annotations: {}, startsAt: t(-60), endsAt: t(-50) }], { now: t(-50) });
    // People moved it on to root-cause analysis: a new occurrence of the group would open a new incident.
    await db.execute(sql`update incidents set recovered_at = ${t(-49).toISOString()}::timestamptz where id = ${incidentId}`);
    const back = await receiveAlerts(system, [{ labels, annotations: {}, startsAt: t(-45), endsAt: null }], { now: t(-45) });
    expect(back).toMatchObject({ refired: 1, incidentsOpened: [], incidentsJoined: [incidentId] });
    expect(await timelineTypes(incidentId)).toEqual([
      'incident.opened',
      'alerts.changed: QueueBacklog on billing joined',
      'alerts.changed: QueueBacklog on billing resolved',
      'alerts.changed: QueueBacklog on billing fired again',
    ]);
    await receiveAlerts(system, [{ labels, annotations: {}, startsAt: t(-45), endsAt: t(-40) }], { now: t(-40) });
    // 40 minutes later: beyond the default 30-minute window.
    const later = await receiveAlerts(system, [{ labels, annotations: {}, startsAt: t(0), endsAt: null }], { now: t(0) });
    expect(later.incidentsOpened).toHaveLength(1);
    expect(later.incidentsOpened[0]).not.toBe(incidentId);
  });

  it('each delivery is one timeline entry: its sentence and the alerts behind it, in the order things happened', async ({ firebreak }) => {
    const db = firebreak.database.db;
    const system = systemContext(db, firebreak.config);
    const labels = { alertname: 'DiskFull', service: 'storage', severity: 'critical', instance: 'db-1' };
    const annotations = { summary: 'disk <full> "soon"', description: 'sda1 at 97%' };
    const generatorUrl = 'http://prometheus:9090/graph?g0.expr=disk_free%20%3C%200.03';
    const base = Math.floor(Date.now() / 1000) * 1000 + 123;
    const t = (offsetMinutes: number) => new Date(base + offsetMinutes * 60_000);
    const deliver = (startsAt: Date, endsAt: Date | null, now: Date) =>
      receiveAlerts(system, [{ labels, annotations, startsAt, endsAt, generatorUrl }], { now });
    const opened = await deliver(t(-60), t(-30), t(-59));
    const [incidentId] = opened.incidentsOpened;
    if (!incidentId) throw new Error('expected an incident');
    await deliver(t(-60), t(-40), t(-39));
    await deliver(t(-20), null, t(-19));

    const entries = await queryRows<{ type: string; occurred_at: number; data: unknown }>(
      db,
      sql`select type, (extract(epoch from occurred_at) * 1000)::float8 as occurred_at, data from timeline_events where incident_id = ${incidentId} and type like 'alert%' order by id`,
    );
    const fingerprint = alertFingerprint(labels);
    const entry = (text: string, kind: 'joined' | 'refired' | 'resolved', severity: string | null) => ({
      text,
      severity,
      joined: kind === 'joined' ? 1 : 0,
      refired: kind === 'refired' ? 1 : 0,
      resolved: kind === 'resolved' ? 1 : 0,
      expired: 0,
      fingerprints: { joined: [], refired: [], resolved: [], expired: [], [kind]: [fingerprint] },
    });
    expect(entries).toEqual([
      { type: 'alerts.changed', occurred_at: t(-60).getTime(), data: entry('DiskFull on db-1 joined', 'joined', 'sev1') },
      { type: 'alerts.changed', occurred_at: t(-40).getTime(), data: entry('DiskFull on db-1 resolved', 'resolved', null) },
      { type: 'alerts.changed', occurred_at: t(-20).getTime(), data: entry('DiskFull on db-1 fired again', 'refired', 'sev1') },
    ]);
  });

  it('an SLO burn raised through receiveAlerts correlates by the given group_by and heartbeats quietly', async ({ firebreak }) => {
    const { count } = await alertsService(firebreak);
    const db = firebreak.database.db;
    const system = systemContext(db, firebreak.config);
    const labels = { alertname: 'SLOBurnRate', service: 'checkout', slo: 'availability', severity: 'critical' };
    const burn = (endsAt: Date) =>
      receiveAlerts(system, [{ labels, annotations: { summary: 'burning 14x' }, startsAt: new Date(Date.now() - 60_000), endsAt }], {
        groupBy: ['alertname', 'service', 'slo'],
        source: 'slo',
      });
    const raised = await burn(new Date(Date.now() + 120_000));
    expect(raised.incidentsOpened).toHaveLength(1);
    const [incident] = await queryRows<{ source: string; severity: string; group_key: string }>(
      db,
      sql`select source, severity, group_key from incidents`,
    );
    expect(incident).toEqual({
      source: 'slo',
      severity: 'sev1',
      group_key: '{}:{alertname="SLOBurnRate", service="checkout", slo="availability"}',
    });
    const events = await count('timeline_events');
    expect(await burn(new Date(Date.now() + 180_000))).toMatchObject({ updated: 1, incidentsOpened: [] });
    expect(await count('timeline_events')).toBe(events);
    expect(await burn(new Date())).toMatchObject({ resolved: 1 });
  });

  it('the same batch sent by several senders at once makes one alert set and one incident', async ({ firebreak }) => {
    const { send, count } = await alertsService(firebreak);
    const batch = [
      alert({ alertname: 'Storm', service: 'edge', instance: '1' }),
      alert({ alertname: 'Storm', service: 'edge', instance: '2' }),
    ];
    const results = await Promise.all(Array.from({ length: 6 }, () => send(batch)));
    expect(results.reduce((sum, result) => sum + result.created, 0)).toBe(2);
    expect(await count('alerts')).toBe(2);
    expect(await count('incidents')).toBe(1);
    // The incident opened, and one entry for the delivery that brought both alerts.
    expect(await count('timeline_events')).toBe(2);
  });

  it('requests arriving while transactions are in flight share the next one (group commit)', async ({ firebreak }) => {
    const { send } = await alertsService(firebreak);
    const batches = Array.from({ length: 8 }, (_, request) =>
      Array.from({ length: 5 }, (_, index) => alert({ alertname: 'GroupCommit', service: 'edge', instance: `${request}-${index}` })),
    );
    const results = await Promise.all(batches.map((batch) => send(batch)));
    expect(results.reduce((sum, result) => sum + result.created, 0)).toBe(40);
    // Each transaction that wrote alert rows left its id in their xmin: fewer transactions than requests.
    const [written] = await queryRows<{ transactions: number }>(
      firebreak.database.db,
      sql`select count(distinct xmin::text)::int as transactions from alerts`,
    );
    expect(written?.transactions).toBeLessThan(8);
  });
});
