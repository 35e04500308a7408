import { expect } from 'vitest';
import { getIncident } from '../incidents/index.ts';
import { createDashboardUser, csrfOf, logIn } from '../test/harness/dashboard-session.ts';
import { describeOnBackends, it } from '../test/harness/fixtures.ts';

const unescape = (html: string) => html.replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'");

describeOnBackends('alerts and silences pages', () => {
  it('shows each alert state on the incident, links both ways, silences from an alert and expires it', { timeout: 120_000 }, async ({
    firebreak,
  }) => {
    const ingest = await firebreak.tokenFor('ingest');
    const startsAt = new Date(Date.now() - 10 * 60_000).toISOString();
    const alert = (instance: string, endsAt?: string) => ({
      labels: { alertname: 'DiskFull', service: 'db', instance },
      annotations: { summary: `disk full on ${instance}` },
      startsAt,
      ...(endsAt ? { endsAt } : {}),
    });
    const sent = await firebreak.request('POST', '/api/v2/alerts', { token: ingest, json: [alert('db-1'), alert('db-2')] });
    const { incidentsOpened } = (await sent.json()) as { incidentsOpened: string[] };
    const incident = await getIncident(firebreak.database.db, incidentsOpened[0] ?? '');
    const reference = `INC-${incident.number}`;
    await firebreak.request('POST', '/api/v2/alerts', { token: ingest, json: [alert('db-2', new Date(Date.now() - 1000).toISOString())] });

    const operator = await createDashboardUser(firebreak, 'responder');
    const { browser } = await logIn(firebreak, operator);
    const page = unescape(await (await browser.get(`/incidents/${reference}`)).text());
    const panel = /<section class="card" aria-labelledby="alerts-title"[\s\S]*?<\/section>/.exec(page)?.[0] ?? '';
    expect(panel).toContain('Alerts (1 firing of 2)');
    expect(panel).toMatch(/data-alert-status="firing"[\s\S]*● firing<\/span> DiskFull[\s\S]*<code>instance=db-1<\/code>/);
    expect(panel).toContain('✓ resolved</span> DiskFull');
    // Only what tells the two apart: service=db is the same for both.
    expect(panel).not.toContain('<code>service=db</code>');
    expect(panel).toContain(`href="/alerts?incident=${reference}#alert-`);
    const silenceLink = /href="(\/silences\?matchers=[^"#]+)#form-silence"/.exec(panel)?.[1] ?? '';
    expect(silenceLink).not.toBe('');

    const alerts = unescape(await (await browser.get(`/alerts?incident=${reference}&status=all`)).text());
    expect(alerts).toContain(`href="/incidents/${reference}#alert-`);
    expect([...alerts.matchAll(/data-alert-status="(\w+)"/g)].map((match) => match[1]).sort()).toEqual(['firing', 'resolved']);
    // When each fired, and when the resolved one ended.
    expect(alerts).toMatch(/data-alert-status="firing"[\s\S]*?firing since <time datetime="[^"]+">/);
    expect(alerts).toMatch(
      /data-alert-status="resolved"[\s\S]*?fired from <time datetime="[^"]+">[^<]*<\/time> to <time datetime="[^"]+">/,
    );
    const searched = unescape(await (await browser.get('/alerts?status=all&filter=instance%3D~%22db-1%22')).text());
    expect([...searched.matchAll(/data-alert-status=/g)]).toHaveLength(1);
    expect(await (await browser.get('/alerts?filter=%3D%3D%3D')).text()).toContain('class="flash error"');

    // From the alert's link: the form comes prefilled with its matchers.
    const form = await (await browser.get(silenceLink)).text();
    const matchers = unescape(/id="silence-matchers"[^>]*value="([^"]*)"/.exec(form)?.[1] ?? '');
    expect(matchers).toContain('instance="db-1"');
    // A refusal comes back with what was typed and a plain message.
    const refused = await browser.follow(
      await browser.post('/silences', { _csrf: csrfOf(form), _form: 'silence', matchers, hours: '2', comment: '' }),
    );
    expect(refused.location).toBe('/silences#form-silence');
    expect(unescape(/id="silence-matchers"[^>]*value="([^"]*)"/.exec(refused.html)?.[1] ?? '')).toBe(matchers);
    expect(refused.html).toMatch(/Comment [^<]*(empty|why)/);
    const created = await browser.post('/silences', { _csrf: csrfOf(form), _form: 'silence', matchers, hours: '2', comment: 'disk swap' });
    expect(created.headers.get('location')).toMatch(/^\/silences\?done=created#silence-/);
    const list = unescape(await (await browser.get('/silences')).text());
    expect(list).toContain('data-silence-status="active"');
    expect(list).toContain('silences 1 firing alert<');
    const id = /id="silence-([0-9a-f-]{36})"/.exec(list)?.[1] ?? '';
    const expired = await browser.post(`/silences/${id}/expire`, { _csrf: csrfOf(list), _form: `expire-${id}` });
    expect(expired.headers.get('location')).toBe(`/silences?done=expired#silence-${id}`);
    expect(await (await browser.get('/silences')).text()).toContain('data-silence-status="expired"');

    // A viewer sees alerts and silences but no silence form or expire button; the server refuses them too.
    const viewer = await createDashboardUser(firebreak, 'viewer');
    const { browser: viewing } = await logIn(firebreak, viewer);
    const viewed = await (await viewing.get('/silences')).text();
    expect(viewed).not.toContain('New silence');
    const denied = await viewing.follow(
      await viewing.post('/silences', { _csrf: csrfOf(viewed), _form: 'silence', matchers: 'a="b"', hours: '1', comment: 'x' }),
    );
    expect(denied.html).toContain('class="flash error"');
  });

  it('says on /alerts that an alert was released from inhibition, and why, for that episode only', { timeout: 120_000 }, async ({
    firebreak,
  }) => {
    const [ingest, admin] = await Promise.all([firebreak.tokenFor('ingest'), firebreak.tokenFor('admin')]);
    const created = await firebreak.request('POST', '/api/inhibit-rules', {
      token: admin,
      json: { source_matchers: ['alertname="ClusterDown"'], target_matchers: ['alertname="PodCrashLooping"'], equal: ['cluster'] },
    });
    const { id } = (await created.json()) as { id: string };
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    const target = { alertname: 'PodCrashLooping', cluster: 'eu-1', pod: 'web-1', severity: 'critical' };
    await firebreak.request('POST', '/api/v2/alerts', {
      token: ingest,
      json: [
        { labels: { alertname: 'ClusterDown', cluster: 'eu-1', severity: 'critical' }, annotations: {}, startsAt },
        { labels: target, annotations: {}, startsAt },
      ],
    });
    const { browser } = await logIn(firebreak, await createDashboardUser(firebreak, 'responder'));
    const listed = async () => unescape(await (await browser.get('/alerts?status=all&filter=alertname%3D%22PodCrashLooping%22')).text());
    expect(await listed()).toContain('inhibited by ClusterDown');
    expect(await listed()).not.toContain('no longer inhibited');

    expect((await firebreak.request('DELETE', `/api/inhibit-rules/${id}`, { token: admin })).status).toBe(200);
    await firebreak.scheduler.runJob('alerts.expire');
    const released = await listed();
    expect(released).not.toContain('inhibited by ClusterDown');
    expect(released).toMatch(
      /class="meta released">no longer inhibited: the rule by which ClusterDown on eu-1 muted it was removed, <time datetime="[^"]+">/,
    );

    // A later episode of the alert was not released from anything.
    await firebreak.request('POST', '/api/v2/alerts', {
      token: ingest,
      json: [{ labels: target, annotations: {}, startsAt, endsAt: new Date(Date.now() - 1000).toISOString() }],
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await firebreak.request('POST', '/api/v2/alerts', {
      token: ingest,
      json: [{ labels: target, annotations: {}, startsAt: new Date().toISOString() }],
    });
    expect(await listed()).not.toContain('no longer inhibited');
  });
});
