import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { queryRows, RETENTION_JOB, systemContext } from '../../platform/index.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import { receiveAlerts } from './receive-alerts.ts';
import { ALERT_EXPIRY_JOB } from './register-alerting.ts';

const at = (offsetMinutes: number) => new Date(Date.now() + offsetMinutes * 60_000);

describeOnBackends('expiry is not recovery', () => {
  it('alerts whose source went silent expire: the incident stays open, pages stand, Slack says the source went silent', async ({
    world,
  }) => {
    const { firebreak } = world;
    const db = firebreak.database.db;
    const system = systemContext(db, firebreak.config);
    const labels = (instance: string) => ({ alertname: 'Flaky', service: 'api', instance, severity: 'critical' });
    const sent = await receiveAlerts(
      system,
      [
        { labels: labels('a'), annotations: { summary: 'flaky a' }, startsAt: at(-1), endsAt: at(1) },
        { labels: labels('b'), annotations: { summary: 'flaky b' }, startsAt: at(-1), endsAt: at(3) },
      ],
      { now: at(-1) },
    );
    const [incidentId] = sent.incidentsOpened;
    if (!incidentId) throw new Error('expected an incident');
    const incident = async () =>
      (
        await queryRows<{ resolved: boolean }>(db, sql`select resolved_at is not null as resolved from incidents where id = ${incidentId}`)
      )[0];
    const statuses = async () =>
      (
        await queryRows<{ status: string; resolved_at: Date | null }>(
          db,
          sql`select status, resolved_at from alerts where incident_id = ${incidentId} order by labels ->> 'instance'`,
        )
      ).map((row) => `${row.status}${row.resolved_at ? ' at' : ''}`);
    const timeline = async () =>
      (
        await queryRows<{ type: string; text: string | null }>(
          db,
          sql`select type, data ->> 'text' as text from timeline_events where incident_id = ${incidentId} order by id`,
        )
      ).map((row) => (row.text ? `${row.type}: ${row.text}` : row.type));

    // One expires: the other still fires, nothing to say.
    expect(await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB, at(2))).toBe(true);
    expect(await statuses()).toEqual(['expired', 'firing']);
    // The last one expires: nothing fires, but nothing recovered either.
    expect(await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB, at(4))).toBe(true);
    expect(await statuses()).toEqual(['expired', 'expired']);
    expect(await incident()).toEqual({ resolved: false });
    expect(await timeline()).toEqual([
      'incident.opened',
      'alerts.changed: 2 alerts joined: Flaky on a, b',
      'alerts.changed: Flaky on a expired: the source went silent',
      'alerts.changed: Flaky on b expired: the source went silent',
    ]);
    await firebreak.notifier.worker.drain();
    expect(world.pagerduty.events.map((event) => event.event_action)).toEqual(['trigger']);
    const channel = world.slack.channelByName('inc-1-flaky-flaky-a');
    const posts = (channel?.messages ?? []).map((message) => message.text);
    expect(posts.some((text) => /Source went silent: Alert \*Flaky\* expired without a resolution/.test(text))).toBe(true);
    expect(posts.some((text) => /Resolved/.test(text))).toBe(false);
    expect(JSON.stringify(channel?.messages[0]?.blocks)).toContain('0 firing, 2 expired (source went silent) of 2');
    // The API lists them as expired, not resolved.
    const listed = await firebreak.request('GET', '/api/alerts?status=expired');
    expect(((await listed.json()) as { alerts: { status: string; resolvedAt: string | null }[] }).alerts).toMatchObject([
      { status: 'expired', resolvedAt: null },
      { status: 'expired', resolvedAt: null },
    ]);
    // A second run finds nothing more to do.
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB, at(5));
    expect(await timeline()).toHaveLength(4);

    // The source is back and resolves them: now the incident recovers, and the page is resolved.
    await receiveAlerts(
      system,
      [
        { labels: labels('a'), annotations: { summary: 'flaky a' }, startsAt: at(-1), endsAt: at(5) },
        { labels: labels('b'), annotations: { summary: 'flaky b' }, startsAt: at(-1), endsAt: at(5) },
      ],
      { now: at(6) },
    );
    expect(await statuses()).toEqual(['resolved at', 'resolved at']);
    expect(await incident()).toEqual({ resolved: true });
    expect((await timeline()).slice(4)).toEqual(['alerts.changed: 2 alerts resolved: Flaky on a, b']);
    await firebreak.notifier.worker.drain();
    expect(world.pagerduty.events.map((event) => event.event_action)).toEqual(['trigger', 'resolve']);
  });

  it('an expired alert that fires again returns to its open incident, which was never resolved', async ({ firebreak }) => {
    const db = firebreak.database.db;
    const system = systemContext(db, firebreak.config);
    const labels = { alertname: 'DiskFull', service: 'db', instance: 'db-1' };
    const first = await receiveAlerts(system, [{ labels, annotations: {}, startsAt: at(-10), endsAt: at(-9) }], { now: at(-10) });
    const [incidentId] = first.incidentsOpened;
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB, at(-8));
    // Alertmanager restarted: it re-sends the alert it holds, same startsAt, no endsAt.
    const back = await receiveAlerts(system, [{ labels, annotations: {}, startsAt: at(-10), endsAt: null }], { now: at(-7) });
    expect(back).toMatchObject({ refired: 1, incidentsOpened: [], incidentsJoined: [incidentId] });
    const rows = await queryRows<{ status: string; expired: boolean }>(
      db,
      sql`select status, expired_at is not null as expired from alerts where incident_id = ${incidentId}`,
    );
    expect(rows).toEqual([{ status: 'firing', expired: false }]);
  });

  it('an expired alert is deleted ALERT_RETENTION_DAYS after it expired, as a resolved one is after it resolved', async ({ firebreak }) => {
    const db = firebreak.database.db;
    const system = systemContext(db, firebreak.config);
    const day = 86_400_000;
    const expiredAt = at(2);
    await receiveAlerts(
      system,
      [
        { labels: { alertname: 'Gone', instance: 'pod-1' }, annotations: {}, startsAt: at(-1), endsAt: at(1) },
        { labels: { alertname: 'Done', instance: 'pod-2' }, annotations: {}, startsAt: at(-1), endsAt: null },
      ],
      { now: at(-1) },
    );
    await receiveAlerts(system, [{ labels: { alertname: 'Done', instance: 'pod-2' }, annotations: {}, startsAt: at(-1), endsAt: at(2) }], {
      now: at(2),
    });
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB, expiredAt);
    const alerts = async () =>
      (
        await queryRows<{ name: string; status: string; expired_at: string | Date | null }>(
          db,
          sql`select labels ->> 'alertname' as name, status, expired_at from alerts order by 1`,
        )
      ).map((row) => ({ ...row, expired_at: row.expired_at === null ? null : new Date(row.expired_at).getTime() }));
    expect(await alerts()).toEqual([
      { name: 'Done', status: 'resolved', expired_at: null },
      { name: 'Gone', status: 'expired', expired_at: expiredAt.getTime() },
    ]);
    // Default ALERT_RETENTION_DAYS is 90: a day before, both stay; a day after, both go.
    await firebreak.scheduler.runJob(RETENTION_JOB, new Date(expiredAt.getTime() + 89 * day));
    expect((await alerts()).map((row) => row.name)).toEqual(['Done', 'Gone']);
    await firebreak.scheduler.runJob(RETENTION_JOB, new Date(expiredAt.getTime() + 91 * day));
    expect(await alerts()).toEqual([]);
  });
});
