import { expect } from 'vitest';
import { addNote, getIncident } from '../incidents/index.ts';
import { systemContext } from '../platform/index.ts';
import { createDashboardUser, logIn } from '../test/harness/dashboard-session.ts';
import { describeOnBackends, it } from '../test/harness/fixtures.ts';

const timelineOf = (html: string) => /<ol id="timeline"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
const text = (html: string) => html.replace(/<[^>]+>/g, '');

describeOnBackends('the timeline on the incident page', () => {
  it('reads as sentences, a storm as one line, keeps one clock, filters and links each entry', { timeout: 90_000 }, async ({
    firebreak,
  }) => {
    const ingest = await firebreak.tokenFor('ingest');
    const startsAt = new Date(Date.now() - 5 * 60_000).toISOString();
    const alert = (instance: string, endsAt?: string) => ({
      labels: { alertname: 'HighErrorRate', service: 'checkout', instance, severity: 'critical' },
      annotations: { summary: `5xx above 5% on ${instance}` },
      startsAt,
      ...(endsAt ? { endsAt } : {}),
    });
    const instances = ['api-1:9100', 'api-2:9100', 'api-3:9100', 'api-4:9100', 'api-5:9100'];
    const sent = await firebreak.request('POST', '/api/v2/alerts', { token: ingest, json: instances.map((instance) => alert(instance)) });
    expect(sent.status).toBe(200);
    const { incidentsOpened } = (await sent.json()) as { incidentsOpened: string[] };
    const incident = await getIncident(firebreak.database.db, incidentsOpened[0] ?? '');
    const reference = `INC-${incident.number}`;
    const resolved = await firebreak.request('POST', '/api/v2/alerts', {
      token: ingest,
      json: [alert('api-3:9100', new Date(Date.now() - 1000).toISOString())],
    });
    expect(resolved.status).toBe(200);
    await addNote(systemContext(firebreak.database.db, firebreak.config), reference, { text: 'Rolling back 4.2.1', source: 'api' });

    const user = await createDashboardUser(firebreak, 'viewer');
    const { browser } = await logIn(firebreak, user);
    const page = await (await browser.get(`/incidents/${reference}`)).text();
    const timeline = timelineOf(page);
    const said = text(timeline);
    expect(said).toContain('HighErrorRate on api-3:9100 resolved');
    // The storm is one line, its alerts one link away.
    expect(said).toContain('5 alerts joined: HighErrorRate on api-1:9100…api-5:9100');
    expect(said.match(/alerts joined/g)).toHaveLength(1);
    const delivery = /href="(\/alerts\?status=all&amp;event=\d+)">the 5 alerts</.exec(timeline)?.[1];
    expect(delivery).toBeDefined();
    const behind = text(await (await browser.get((delivery ?? '').replaceAll('&amp;', '&'))).text());
    for (const instance of instances) expect(behind).toContain(instance);
    expect(behind).toContain('The alerts of one delivery');
    expect(said).not.toMatch(/fingerprint:|generatorUrl|alertname:/);
    // One clock: the alert's own time is shown; when Firebreak received it is on hover.
    expect(timeline).toContain(`<time datetime="${startsAt}">`);
    expect(timeline).toMatch(/title="received \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"><time datetime="/);
    const times = [...timeline.matchAll(/<li id="event-\d+"[^>]*data-at="(\d+)"/g)].map((match) => Number(match[1]));
    // Opened, the storm, the resolution, the note: each newest first by the event's own time.
    expect(times.length).toBeGreaterThanOrEqual(4);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // A permalink per entry, to a page that holds it.
    const link = /href="(\/incidents\/INC-\d+\?before=(\d+)#event-(\d+))"/.exec(timeline);
    expect(Number(link?.[2])).toBe(Number(link?.[3]) + 1);
    expect(await (await browser.get(link?.[1]?.split('#')[0] ?? '')).text()).toContain(`id="event-${link?.[3]}"`);

    const notes = timelineOf(await (await browser.get(`/incidents/${reference}?show=notes`)).text());
    expect(text(notes)).toContain('Rolling back 4.2.1');
    expect(notes).not.toContain('data-type="alert.');
    const alerts = timelineOf(await (await browser.get(`/incidents/${reference}?show=alerts`)).text());
    expect(alerts).not.toContain('Rolling back');
    expect(alerts).toContain('data-type="alerts.changed"');
    expect(page).toContain(`href="/incidents/${reference}?show=breach#timeline-title"`);
    expect(page).toContain(`data-live="/incidents/${reference}/live"`);
    expect(await (await browser.get(`/incidents/${reference}?show=notes`)).text()).not.toContain('data-live=');
  });
});
