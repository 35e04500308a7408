import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { queryRows, systemContext } from '../../../platform/index.ts';
import { describeOnBackends, it } from '../../../test/harness/fixtures.ts';
import { receiveAlerts } from '../receive-alerts.ts';
import type { HeartbeatView } from './list-heartbeats.ts';
import { loadHeartbeatsFile } from './load-heartbeats-file.ts';

interface ErrorBody {
  error: { code: string; message: string };
}

const watchdog = { name: 'prometheus', matchers: 'alertname="Watchdog"', source: 'prometheus', interval: '1m', grace: 30 };

describeOnBackends('heartbeats', () => {
  it('are created, listed, changed and removed through the API; refused input names the problem', async ({ firebreak }) => {
    const commander = await firebreak.tokenFor('commander');
    const viewer = await firebreak.tokenFor('viewer');
    const created = await firebreak.request('POST', '/api/heartbeats', { token: commander, json: watchdog });
    expect(created.status).toBe(201);
    const heartbeat = (await created.json()) as HeartbeatView;
    expect(heartbeat).toMatchObject({
      name: 'prometheus',
      matchers: 'alertname="Watchdog"',
      source: 'prometheus',
      intervalSeconds: 60,
      graceSeconds: 30,
      severity: 'sev2',
      origin: 'api',
      state: 'waiting',
      lastHeardAt: null,
      incident: null,
    });
    expect(new Date(heartbeat.silentAfter).getTime() - new Date(heartbeat.createdAt).getTime()).toBe(90_000);

    const listed = await firebreak.request('GET', '/api/heartbeats', { token: viewer });
    expect(((await listed.json()) as { heartbeats: HeartbeatView[] }).heartbeats.map((row) => row.name)).toEqual(['prometheus']);
    expect((await firebreak.request('GET', '/api/heartbeats/prometheus', { token: viewer })).status).toBe(200);
    expect((await firebreak.request('GET', '/api/heartbeats/nothing', { token: viewer })).status).toBe(404);

    const again = await firebreak.request('POST', '/api/heartbeats', { token: commander, json: watchdog });
    expect(again.status).toBe(409);
    expect(((await again.json()) as ErrorBody).error.code).toBe('heartbeat_exists');

    const changed = await firebreak.request('PUT', `/api/heartbeats/${heartbeat.id}`, {
      token: commander,
      json: { ...watchdog, interval: 120, severity: 'sev1' },
    });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ intervalSeconds: 120, severity: 'sev1' });

    for (const [json, field] of [
      [{ ...watchdog, name: 'other', matchers: 'alertname=~".*"' }, 'matchers'],
      [{ ...watchdog, name: 'other', matchers: 'alertname=' }, 'matcher'],
      [{ ...watchdog, name: 'other', interval: '5 minutes' }, 'interval'],
      [{ ...watchdog, name: 'other', source: 'carrier-pigeon' }, 'source'],
      [{ ...watchdog, name: '' }, 'name'],
    ] as const) {
      const refused = await firebreak.request('POST', '/api/heartbeats', { token: commander, json });
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as ErrorBody).error.message).toContain(field);
    }
    expect((await firebreak.request('POST', '/api/heartbeats', { json: watchdog, token: null })).status).toBe(401);
    const forbidden = await firebreak.request('POST', '/api/heartbeats', { token: viewer, json: { ...watchdog, name: 'other' } });
    expect(forbidden.status).toBe(403);
    expect((await firebreak.request('DELETE', `/api/heartbeats/${heartbeat.id}`, { token: viewer })).status).toBe(403);
    expect((await firebreak.request('GET', '/api/heartbeats', { token: null })).status).toBe(401);

    const removed = await firebreak.request('DELETE', `/api/heartbeats/${heartbeat.id}`, { token: commander });
    expect(removed.status).toBe(200);
    expect((await firebreak.request('GET', `/api/heartbeats/${heartbeat.id}`, { token: viewer })).status).toBe(404);
    const audit = await queryRows<{ action: string }>(
      firebreak.database.db,
      sql`select action from audit_entries where action like 'alerts.heartbeat.%' order by position`,
    );
    expect(audit.map((row) => row.action)).toEqual(['alerts.heartbeat.create', 'alerts.heartbeat.update', 'alerts.heartbeat.delete']);
  });

  it('missed for interval plus grace opens "alerting pipeline silent"; heard again, it resolves', async ({ firebreak }) => {
    const db = firebreak.database.db;
    const system = systemContext(db, firebreak.config);
    const commander = await firebreak.tokenFor('commander');
    const created = await firebreak.request('POST', '/api/heartbeats', {
      token: commander,
      json: { ...watchdog, interval: 60, grace: 30 },
    });
    const heartbeat = (await created.json()) as HeartbeatView;
    const start = new Date(heartbeat.createdAt).getTime();
    const at = (seconds: number) => new Date(start + seconds * 1000);
    const watchdogAlert = (seconds: number) => ({
      labels: { alertname: 'Watchdog', severity: 'none' },
      annotations: {},
      startsAt: at(0),
      endsAt: at(seconds + 240),
    });
    const incidents = () =>
      queryRows<{ id: string; title: string; resolved: boolean }>(
        db,
        sql`select id, title, resolved_at is not null as resolved from incidents order by number`,
      );

    // Heard through its path: no alert stored, no incident; through the other path: not heard, not stored either.
    const heard = await receiveAlerts(system, [watchdogAlert(10)], { source: 'prometheus', now: at(10) });
    expect(heard).toMatchObject({ received: 1, created: 0, incidentsOpened: [] });
    await receiveAlerts(system, [watchdogAlert(50)], { source: 'alertmanager', now: at(50) });
    expect(await queryRows(db, sql`select 1 from alerts where labels ->> 'alertname' = 'Watchdog'`)).toHaveLength(0);
    const listed = (await (await firebreak.request('GET', '/api/heartbeats/prometheus')).json()) as HeartbeatView;
    expect(listed).toMatchObject({ state: 'ok', lastHeardAt: at(10).toISOString() });

    // Due at 90 s from creation, it was heard at 10 s: the check re-arms for 100 s.
    await firebreak.scheduler.runDueTimers(at(95));
    expect(await incidents()).toHaveLength(0);
    await firebreak.scheduler.runDueTimers(at(101));
    const all = await incidents();
    const silent = all.find((incident) => incident.title === 'alerting pipeline silent: prometheus');
    expect(silent).toMatchObject({ resolved: false });
    if (!silent) throw new Error('expected the silent-pipeline incident');
    expect(((await (await firebreak.request('GET', '/api/heartbeats/prometheus')).json()) as HeartbeatView).incident?.id).toBe(silent.id);
    // Running the timers again opens nothing more.
    await firebreak.scheduler.runDueTimers(at(200));
    expect(await incidents()).toHaveLength(all.length);

    await receiveAlerts(system, [watchdogAlert(300)], { source: 'prometheus', now: at(300) });
    expect((await incidents()).find((incident) => incident.id === silent.id)).toMatchObject({ resolved: true });
    const timeline = await queryRows<{ type: string }>(
      db,
      sql`select type from timeline_events where incident_id = ${silent.id} order by id`,
    );
    expect(timeline.map((row) => row.type)).toEqual(['incident.opened', 'heartbeat.missed', 'heartbeat.heard']);
    // Armed again: missed again, a new incident.
    await firebreak.scheduler.runDueTimers(at(391));
    expect((await incidents()).filter((incident) => incident.title.startsWith('alerting pipeline silent'))).toHaveLength(2);
  });

  it('HEARTBEATS_FILE (YAML) is applied at start; its heartbeats are changed only there', async ({ firebreak }) => {
    const directory = await mkdtemp(path.join(tmpdir(), 'firebreak-heartbeats-'));
    const file = path.join(directory, 'heartbeats.yml');
    await writeFile(
      file,
      `heartbeats:
  - name: alertmanager
    matchers: alertname="Watchdog"
    source: alertmanager
    interval: 5m
    grace: 2m
  - name: prometheus
    matchers: alertname="Watchdog"
    source: prometheus
    interval: 1m
`,
    );
    try {
      expect(await loadHeartbeatsFile(firebreak.database.db, firebreak.config, file)).toBe(2);
      const listed = (await (await firebreak.request('GET', '/api/heartbeats')).json()) as { heartbeats: HeartbeatView[] };
      expect(listed.heartbeats.map((row) => [row.name, row.origin, row.intervalSeconds, row.graceSeconds])).toEqual([
        ['alertmanager', 'file', 300, 120],
        ['prometheus', 'file', 60, 60],
      ]);
      const commander = await firebreak.tokenFor('commander');
      const refused = await firebreak.request('DELETE', '/api/heartbeats/alertmanager', { token: commander });
      expect(refused.status).toBe(409);
      expect(((await refused.json()) as ErrorBody).error.code).toBe('heartbeat_from_file');
      await writeFile(file, 'heartbeats:\n  - name: alertmanager\n    matchers: alertname=~\n    interval: 5m\n');
      await expect(loadHeartbeatsFile(firebreak.database.db, firebreak.config, file)).rejects.toThrow(/HEARTBEATS_FILE.*alertmanager/);
      await writeFile(file, '{"heartbeats": [{"name": "alertmanager", "matchers": "alertname=\\"Watchdog\\"", "interval": 300}]}');
      expect(await loadHeartbeatsFile(firebreak.database.db, firebreak.config, file)).toBe(1);
      const after = (await (await firebreak.request('GET', '/api/heartbeats')).json()) as { heartbeats: HeartbeatView[] };
      expect(after.heartbeats.map((row) => row.name)).toEqual(['alertmanager']);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
