import { expect } from 'vitest';
import { declareIncident } from '../incidents/index.ts';
import { systemContext } from '../platform/index.ts';
import { createDashboardUser, logIn } from '../test/harness/dashboard-session.ts';
import { describeOnBackends, it } from '../test/harness/fixtures.ts';

const listed = (html: string) => [...html.matchAll(/data-incident="(INC-\d+)"/g)].map((match) => match[1]);
const unescape = (href: string) => href.replaceAll('&amp;', '&');

describeOnBackends('the incident list page', () => {
  it('guides a new install: how to connect monitoring and how to declare, until an incident exists', { timeout: 90_000 }, async ({
    firebreak,
  }) => {
    const admin = await createDashboardUser(firebreak, 'admin');
    const { browser } = await logIn(firebreak, admin);
    const empty = await (await browser.get('/incidents')).text();
    expect(empty).toContain('No incidents yet: connect your monitoring');
    expect(empty).toContain('http://firebreak.test/ingest/alertmanager');
    expect(empty).toContain('api_version: v2');
    expect(empty).toContain('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://firebreak.test/v1/traces');
    expect(empty).toContain('href="/admin/tokens"');
    expect(empty).toContain('href="/incidents?declare=open#form-declare"');
    expect(await (await browser.get('/incidents?declare=open')).text()).toMatch(
      /<details class="card" open="">\s*<summary>Declare an incident/,
    );

    await declareIncident(systemContext(firebreak.database.db, firebreak.config), { title: 'Checkout down', severity: 'sev1' });
    const one = await (await browser.get('/incidents')).text();
    expect(one).not.toContain('No incidents yet');
    // Filters that match nothing say so, without the first-run guide.
    const none = await (await browser.get('/incidents?q=nothing')).text();
    expect(none).toContain('No incidents match these filters.');
    expect(none).not.toContain('No incidents yet');
  });

  it('searches, filters by parts of names, shows how long each is open, and pages with a cursor', { timeout: 90_000 }, async ({
    firebreak,
  }) => {
    const ctx = systemContext(firebreak.database.db, firebreak.config);
    for (let index = 0; index < 53; index += 1)
      await declareIncident(ctx, { title: `Batch ${index}`, severity: 'sev4', services: ['batch-jobs'] });
    const hot = await declareIncident(ctx, {
      title: 'Payments failing',
      severity: 'sev1',
      services: ['payments-api'],
      labels: { team: 'payments' },
    });
    const user = await createDashboardUser(firebreak, 'viewer');
    const { browser } = await logIn(firebreak, user);

    const first = await (await browser.get('/incidents')).text();
    expect(listed(first)).toHaveLength(50);
    expect(listed(first)[0]).toBe(`INC-${hot.number}`);
    expect(first).toContain('<th scope="col">Open for</th>');
    expect(first).toMatch(/data-open-for="true">\d+m</);
    const next = /href="([^"]+)" rel="next"/.exec(first)?.[1];
    expect(next).toMatch(/cursor=/);
    const second = await (await browser.get(unescape(next ?? ''))).text();
    expect(listed(second)).toHaveLength(4);
    expect(new Set([...listed(first), ...listed(second)]).size).toBe(54);
    expect(second).toContain('← First page');
    expect(second).not.toContain('rel="next"');

    expect(listed(await (await browser.get('/incidents?q=team%3Dpayments')).text())).toEqual([`INC-${hot.number}`]);
    expect(listed(await (await browser.get(`/incidents?q=inc-${hot.number}`)).text())).toEqual([`INC-${hot.number}`]);
    expect(listed(await (await browser.get('/incidents?service=PAYMENTS')).text())).toEqual([`INC-${hot.number}`]);
    const searched = await (await browser.get('/incidents?q=Batch&service=batch')).text();
    expect(searched).toContain('value="Batch"');
    // The next page keeps the search and filters.
    expect(unescape(/href="([^"]+)" rel="next"/.exec(searched)?.[1] ?? '')).toMatch(/service=batch&q=Batch&cursor=/);
    expect((await browser.get('/incidents?cursor=garbage')).status).toBe(400);
  });
});
