import { sql } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { queryRows } from '../../platform/index.ts';
import { prometheusFixture, shiftedToNow, webhookFixture } from '../../test/harness/alert-fixtures.ts';
import type { TestFirebreak } from '../../test/harness/app.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';

interface ErrorBody {
  error: { code: string; message: string };
}

/** What these tests do with the service: post as an ingest token, and read what was stored. */
async function alertmanagerService(firebreak: TestFirebreak) {
  const ingest = await firebreak.tokenFor('ingest');
  return {
    ingest,
    post: (path: string, json: unknown, token: string | null = ingest) => firebreak.request('POST', path, { token, json }),
    count: async (table: 'alerts' | 'incidents' | 'timeline_events') =>
      Number((await queryRows<{ n: number }>(firebreak.database.db, sql`select count(*)::int as n from ${sql.identifier(table)}`))[0]?.n),
    timelineTypes: async (incidentId: string) =>
      (
        await queryRows<{ type: string; text: string | null }>(
          firebreak.database.db,
          sql`select type, data ->> 'text' as text from timeline_events where incident_id = ${incidentId} order by id`,
        )
      ).map((row) => (row.text ? `${row.type}: ${row.text}` : row.type)),
    incidentRows: () =>
      queryRows<{ id: string; title: string; severity: string; group_key: string; resolved: boolean; services: string[] }>(
        firebreak.database.db,
        sql`select id, title, severity, group_key, resolved_at is not null as resolved, services from incidents order by number`,
      ),
    alertRows: () =>
      queryRows<{ fingerprint: string; status: string; incident_id: string | null; starts_at: string }>(
        firebreak.database.db,
        sql`select fingerprint, status, incident_id, to_char(starts_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as starts_at from alerts order by fingerprint`,
      ),
  };
}

describeOnBackends('Alertmanager ingestion', () => {
  it('follows the captured webhook deliveries: opens, gathers, resolves and reopens by group key', async ({ firebreak }) => {
    const { post, count, timelineTypes, incidentRows, alertRows } = await alertmanagerService(firebreak);
    const first = await post('/ingest/alertmanager', webhookFixture('01-firing'));
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ received: 2, created: 2 });
    expect(await post('/ingest/alertmanager', webhookFixture('02-firing')).then((response) => response.status)).toBe(200);

    const [errors, disk] = await incidentRows();
    expect(errors).toMatchObject({
      title: 'HighErrorRate: checkout 5xx ratio above 5%',
      severity: 'sev1',
      group_key: '{}:{alertname="HighErrorRate", service="checkout"}',
      services: ['checkout'],
    });
    expect(disk).toMatchObject({ severity: 'sev3', services: ['db'] });
    if (!errors || !disk) throw new Error('expected two incidents');
    expect(await timelineTypes(errors.id)).toEqual([
      'incident.opened',
      'alerts.changed: 2 alerts joined: HighErrorRate on api-1:9100, api-2:9100',
    ]);
    // The identity Alertmanager printed is the one stored.
    expect((await alertRows()).map((row) => row.fingerprint)).toEqual(['07374bc745014510', '7087ed00a57347e7', 'eaa2c0810570653c']);

    expect((await post('/ingest/alertmanager', webhookFixture('03-resolved'))).status).toBe(200);
    expect((await incidentRows())[0]?.resolved).toBe(true);
    expect((await post('/ingest/alertmanager', webhookFixture('04-firing'))).status).toBe(200);
    expect((await incidentRows())[0]?.resolved).toBe(false);
    expect((await post('/ingest/alertmanager', webhookFixture('05-resolved'))).status).toBe(200);
    expect((await post('/ingest/alertmanager', webhookFixture('06-firing'))).status).toBe(200);

    expect(await count('incidents')).toBe(2);
    // One entry per delivery, each one sentence.
    expect(await timelineTypes(errors.id)).toEqual([
      'incident.opened',
      'alerts.changed: 2 alerts joined: HighErrorRate on api-1:9100, api-2:9100',
      'alerts.changed: 2 alerts resolved: HighErrorRate on api-1:9100, api-2:9100',
      'alerts.changed: 2 alerts fired again: HighErrorRate on api-1:9100, api-2:9100',
      'alerts.changed: 2 alerts resolved: HighErrorRate on api-1:9100, api-2:9100',
      // The fifth change within ALERT_FLAP_WINDOW_SECONDS: more than ALERT_FLAP_THRESHOLD (4), flapping.
      'alerts.changed: 2 alerts fired again: HighErrorRate on api-1:9100, api-2:9100 (flapping)',
    ]);
    const rows = await alertRows();
    expect(rows.find((row) => row.fingerprint === '07374bc745014510')).toMatchObject({
      status: 'firing',
      incident_id: errors.id,
      starts_at: '2026-11-21T04:17:12.881Z',
    });
    expect(rows.find((row) => row.fingerprint === '7087ed00a57347e7')).toMatchObject({ status: 'firing', incident_id: errors.id });
    expect(rows.find((row) => row.fingerprint === 'eaa2c0810570653c')).toMatchObject({ status: 'firing', incident_id: disk.id });
  });

  it('adds nothing when the same webhook deliveries arrive again (retries, repeat_interval, HA pairs)', async ({ firebreak }) => {
    const { post, count } = await alertmanagerService(firebreak);
    const names = ['01-firing', '02-firing', '03-resolved', '04-firing'];
    for (const name of names) expect((await post('/ingest/alertmanager', webhookFixture(name))).status).toBe(200);
    const before = [await count('alerts'), await count('incidents'), await count('timeline_events')];
    const again = await post('/ingest/alertmanager', webhookFixture('04-firing'));
    expect(await again.json()).toMatchObject({ received: 2, created: 0, updated: 0, unchanged: 2, incidentsOpened: [] });
    for (const name of ['01-firing', '02-firing', '04-firing', '02-firing'])
      expect((await post('/ingest/alertmanager', webhookFixture(name))).status).toBe(200);
    expect([await count('alerts'), await count('incidents'), await count('timeline_events')]).toEqual(before);
  });

  it('follows Prometheus sending straight to /api/v2/alerts: heartbeats, a resolution, a re-fire', async ({ firebreak }) => {
    const { post, count, timelineTypes, incidentRows } = await alertmanagerService(firebreak);
    const batch = shiftedToNow(prometheusFixture('01-firing'), '2026-11-21T04:16:30Z');
    const first = await post('/api/v2/alerts', batch);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ received: 3, created: 3 });
    // The same heartbeat again (an HA twin, a retry) changes nothing.
    const repeat = await post('/api/v2/alerts', batch);
    expect(await repeat.json()).toMatchObject({ created: 0, unchanged: 3 });
    const [errors] = await incidentRows();
    if (!errors) throw new Error('expected an incident');
    expect(await count('incidents')).toBe(2);

    const second = await post('/api/v2/alerts', shiftedToNow(prometheusFixture('02-resolved-and-firing'), '2026-11-21T04:16:40Z'));
    expect(await second.json()).toMatchObject({ resolved: 2, updated: 1 });
    expect((await incidentRows())[0]?.resolved).toBe(true);

    const third = await post('/api/v2/alerts', shiftedToNow(prometheusFixture('03-refired'), '2026-11-21T04:16:50Z'));
    expect(await third.json()).toMatchObject({ refired: 2, incidentsOpened: [] });
    expect(await count('incidents')).toBe(2);
    expect(await timelineTypes(errors.id)).toEqual([
      'incident.opened',
      'alerts.changed: 2 alerts joined: HighErrorRate on api-1:9100, api-2:9100',
      'alerts.changed: 2 alerts resolved: HighErrorRate on api-1:9100, api-2:9100',
      'alerts.changed: 2 alerts fired again: HighErrorRate on api-1:9100, api-2:9100',
    ]);
    expect((await incidentRows())[0]?.resolved).toBe(false);
  });

  it('gives an alert one identity whichever way it arrives', async ({ firebreak }) => {
    const { post, count } = await alertmanagerService(firebreak);
    expect((await post('/api/v2/alerts', shiftedToNow(prometheusFixture('01-firing'), '2026-11-21T04:16:30Z'))).status).toBe(200);
    const webhook = await post('/ingest/alertmanager', webhookFixture('01-firing'));
    expect(await webhook.json()).toMatchObject({ created: 0, incidentsOpened: [] });
    expect(await count('alerts')).toBe(3);
    expect(await count('incidents')).toBe(2);
  });

  it("accepts newer Alertmanagers' notification_reason and routeLabels, and reports truncatedAlerts", async ({ firebreak }) => {
    const { post } = await alertmanagerService(firebreak);
    const payload = {
      ...webhookFixture('02-firing'),
      notification_reason: 'new_alerts',
      routeLabels: { team: 'storage' },
      truncatedAlerts: 3,
    };
    const response = await post('/ingest/alertmanager', payload);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ received: 1, created: 1, truncatedAlerts: 3 });
  });

  it('needs a token with alerts:ingest', async ({ firebreak }) => {
    const { post, count } = await alertmanagerService(firebreak);
    const body = webhookFixture('01-firing');
    expect((await post('/ingest/alertmanager', body, null)).status).toBe(401);
    expect((await post('/api/v2/alerts', [], null)).status).toBe(401);
    const viewer = await firebreak.tokenFor('viewer');
    const refused = await post('/ingest/alertmanager', body, viewer);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as ErrorBody).error.message).toContain('alerts:ingest');
    expect((await post('/api/v2/alerts', [], viewer)).status).toBe(403);
    expect(await count('alerts')).toBe(0);
  });

  describe('refuses bad input whole, naming the problem', () => {
    const alert = (labels: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
      labels,
      annotations: {},
      startsAt: new Date().toISOString(),
      ...extra,
    });
    const good = alert({ alertname: 'Fine', service: 'checkout' });

    /** Posts as an ingest token and expects the refusal, with nothing stored. */
    async function refusals(firebreak: TestFirebreak) {
      const { ingest, post, count } = await alertmanagerService(firebreak);
      return async function expectRefused(path: string, body: unknown, status: number, pattern: RegExp, raw = false) {
        const response = raw
          ? await firebreak.request('POST', path, { token: ingest, body: body as string, headers: { 'content-type': 'application/json' } })
          : await post(path, body);
        expect(response.status).toBe(status);
        const { error } = (await response.json()) as ErrorBody;
        expect(error.message).toMatch(pattern);
        expect(await count('alerts')).toBe(0);
        expect(await count('incidents')).toBe(0);
        return error;
      };
    }

    it('malformed JSON', async ({ firebreak }) => {
      const expectRefused = await refusals(firebreak);
      const error = await expectRefused('/api/v2/alerts', '[{"labels": {"alertname": "X"}', 400, /not valid JSON/, true);
      expect(error.code).toBe('malformed_json');
      await expectRefused('/ingest/alertmanager', '{"version": "4", ', 400, /not valid JSON/, true);
    });

    it('wrong types and missing labels', async ({ firebreak }) => {
      const expectRefused = await refusals(firebreak);
      await expectRefused('/api/v2/alerts', [good, alert({ alertname: 42 })], 400, /1\.labels\.alertname/);
      await expectRefused('/api/v2/alerts', [{ annotations: {} }], 400, /0\.labels/);
      await expectRefused('/api/v2/alerts', [alert({})], 400, /at least one label/);
      await expectRefused('/api/v2/alerts', { labels: { alertname: 'X' } }, 400, /expected array/);
      await expectRefused('/api/v2/alerts', [good, alert({ alertname: 'X' }, { startsAt: 'yesterday' })], 400, /1\.startsAt.*RFC 3339/);
      await expectRefused(
        '/api/v2/alerts',
        [alert({ alertname: 'X' }, { startsAt: '2026-11-21T05:00:00Z', endsAt: '2026-11-21T04:00:00Z' })],
        400,
        /endsAt is before startsAt/,
      );
      const payload = webhookFixture('01-firing');
      await expectRefused(
        '/ingest/alertmanager',
        { ...payload, alerts: [{ ...payload.alerts[0], status: 'burning' }] },
        400,
        /alerts\.0\.status/,
      );
      await expectRefused('/ingest/alertmanager', { ...payload, groupKey: undefined }, 400, /groupKey/);
    });

    it('an unknown webhook version', async ({ firebreak }) => {
      const expectRefused = await refusals(firebreak);
      await expectRefused('/ingest/alertmanager', { ...webhookFixture('01-firing'), version: '3' }, 400, /version.*only version "4"/);
    });

    it('too many alerts (413) and a body over the limit (413)', async ({ firebreak }) => {
      const expectRefused = await refusals(firebreak);
      const many = Array.from({ length: 1001 }, (_, index) => alert({ alertname: 'Storm', instance: `i-${index}` }));
      const error = await expectRefused('/api/v2/alerts', many, 413, /1001 alerts.*at most 1000/);
      expect(error.code).toBe('too_many_alerts');
      const payload = webhookFixture('01-firing');
      await expectRefused(
        '/ingest/alertmanager',
        { ...payload, alerts: Array.from({ length: 1001 }, () => payload.alerts[0]) },
        413,
        /at most 1000/,
      );
      const huge = JSON.stringify([alert({ alertname: 'X', blob: 'y'.repeat(6 * 1024 * 1024) })]);
      await expectRefused('/api/v2/alerts', huge, 413, /exceeds the limit/, true);
    });

    it('huge label values and too many labels', async ({ firebreak }) => {
      const expectRefused = await refusals(firebreak);
      await expectRefused(
        '/api/v2/alerts',
        [good, alert({ alertname: 'X', instance: 'i'.repeat(5000) })],
        400,
        /1\.labels\.instance: label value longer than 4096/,
      );
      const labels = Object.fromEntries(Array.from({ length: 101 }, (_, index) => [`l${index}`, 'v']));
      await expectRefused('/api/v2/alerts', [alert(labels)], 400, /at most 100 labels/);
    });

    it('hostile strings: control characters and invalid label names are refused', async ({ firebreak }) => {
      const expectRefused = await refusals(firebreak);
      await expectRefused('/api/v2/alerts', [alert({ alertname: 'X\u0000Y' })], 400, /0\.labels\.alertname: contains U\+0000 \(NUL\)/);
      await expectRefused('/api/v2/alerts', [alert({ alertname: 'X', job: 'a\u001b[31mred' })], 400, /labels\.job: .*control character/);
      await expectRefused(
        '/api/v2/alerts',
        [alert({ alertname: 'X' }, { annotations: { summary: 'nul \u0000 here' } })],
        400,
        /annotations\.summary: contains U\+0000 \(NUL\)/,
      );
      await expectRefused(
        '/api/v2/alerts',
        [alert({ alertname: 'X', "x'; drop table alerts; --": 'v' })],
        400,
        /is not a valid name: label names must match/,
      );
      await expectRefused(
        '/api/v2/alerts',
        [alert({ alertname: 'X', '<script>': 'v' })],
        400,
        /is not a valid name: label names must match/,
      );
      await expectRefused('/api/v2/alerts', [alert({ alertname: 'X\ud800' })], 400, /lone surrogate/);
    });

    it('U+0000 and lone surrogates written as escapes in the JSON text are refused, and only they', async ({ firebreak }) => {
      const expectRefused = await refusals(firebreak);
      await expectRefused('/api/v2/alerts', '[{"labels":{"alertname":"X","a\\udc00":"v"}}]', 400, /lone surrogate/, true);
      await expectRefused(
        '/api/v2/alerts',
        '[{"labels":{"alertname":"X"},"annotations":{"summary":"\\u0000"}}]',
        400,
        /annotations\.summary: contains U\+0000/,
        true,
      );
      // A backslash before "u0000" (escaped in JSON as \\) and an escaped surrogate pair are ordinary text.
      const { ingest } = await alertmanagerService(firebreak);
      const body = `[{"labels":{"alertname":"Escapes"},"annotations":{"summary":"\\\\u0000 \\ud83d\\ude00"},"startsAt":"${new Date().toISOString()}"}]`;
      const response = await firebreak.request('POST', '/api/v2/alerts', {
        token: ingest,
        body,
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status).toBe(200);
      const [row] = await queryRows<{ summary: string }>(
        firebreak.database.db,
        sql`select annotations ->> 'summary' as summary from alerts`,
      );
      expect(row?.summary).toBe('\\u0000 \u{1f600}');
    });
  });

  it('takes alerts whose group key is longer than an incident keeps (long label values)', async ({ firebreak }) => {
    const { post, incidentRows } = await alertmanagerService(firebreak);
    const long = {
      labels: { alertname: 'A'.repeat(3000), service: 's'.repeat(3000) },
      annotations: {},
      startsAt: new Date().toISOString(),
    };
    const response = await post('/api/v2/alerts', [long]);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ created: 1 });
    const [incident] = await incidentRows();
    expect(incident?.group_key.length).toBeLessThanOrEqual(2000);
    const payload = webhookFixture('02-firing');
    expect((await post('/ingest/alertmanager', { ...payload, groupKey: `{}:{x="${'y'.repeat(5000)}"}` })).status).toBe(200);
  });

  it('stores SQL and HTML in label values and annotations verbatim, as data', async ({ firebreak }) => {
    const { post, count, incidentRows } = await alertmanagerService(firebreak);
    const hostile = {
      labels: { alertname: "Robert'); DROP TABLE alerts; --", service: '<script>alert(1)</script>' },
      annotations: {
        summary: '<img src=x onerror=alert(1)> & "quotes"',
        description: 'line one\nline two\twith tab; SELECT * FROM pg_user',
      },
      startsAt: new Date().toISOString(),
    };
    const response = await post('/api/v2/alerts', [hostile]);
    expect(response.status).toBe(200);
    const listed = (await (await firebreak.request('GET', '/api/alerts')).json()) as {
      alerts: { labels: Record<string, string>; annotations: Record<string, string> }[];
    };
    expect(listed.alerts[0]?.labels).toEqual(hostile.labels);
    expect(listed.alerts[0]?.annotations).toEqual(hostile.annotations);
    const [incident] = await incidentRows();
    expect(incident?.title).toBe('Robert\'); DROP TABLE alerts; --: <img src=x onerror=alert(1)> & "quotes"');
    expect(await count('alerts')).toBe(1);
  });
});
