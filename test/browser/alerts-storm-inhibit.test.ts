import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIncident } from '../../incidents/index.ts';
import type { TestFirebreak } from '../harness/app.ts';
import type { DashboardBrowser } from '../harness/dashboard-browser.ts';
import { logInWithEnrolment, openDashboardBrowser } from '../harness/dashboard-browser.ts';
import { createDashboardUser } from '../harness/dashboard-session.ts';
import { databaseBackends } from '../harness/database.ts';

// The job that expires alerts, settles flapping ones and releases inhibited ones (every 5 s).
const ALERT_EXPIRY_JOB = 'alerts.expire';
const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots');

describe.each(databaseBackends)('alert storms and inhibition rules in Chromium on %s', (backend) => {
  let browser: DashboardBrowser;
  let firebreak: TestFirebreak;
  let page: Page;
  let base: string;
  const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${backend}-${name}.png`), fullPage: true });

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    // Pages are recorded (and escalations armed) but sent nowhere: a closed port on loopback.
    browser = await openDashboardBrowser(backend, {
      PAGERDUTY_ROUTING_KEY: 'R0UT1NGKEY0000000000000000000001',
      PAGERDUTY_SERVER: '127.0.0.1:9',
    });
    ({ firebreak, page, base } = browser);
    await logInWithEnrolment(page, base, await createDashboardUser(firebreak, 'admin', 'ana@example.com'));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('shows a storm of 40 alerts as one line, its alerts one click away', { timeout: 120_000 }, async () => {
    const ingest = await firebreak.tokenFor('ingest');
    const startsAt = new Date(Date.now() - 5 * 60_000).toISOString();
    const alert = (index: number) => ({
      labels: { alertname: 'HighErrorRate', service: 'checkout', instance: `api-${index}`, severity: 'critical' },
      annotations: { summary: `5xx above 5% on api-${index}` },
      startsAt,
    });
    const opened = await firebreak.request('POST', '/api/v2/alerts', { token: ingest, json: [alert(1)] });
    const { incidentsOpened } = (await opened.json()) as { incidentsOpened: string[] };
    const incident = await getIncident(firebreak.database.db, incidentsOpened[0] ?? '');
    const storm = Array.from({ length: 40 }, (_, index) => alert(index + 2));
    expect((await firebreak.request('POST', '/api/v2/alerts', { token: ingest, json: storm })).status).toBe(200);

    await page.goto(`${base}/incidents/INC-${incident.number}`);
    const line = page.locator('#timeline li[data-type="alerts.changed"]', { hasText: '40 alerts joined' });
    await expect.poll(() => line.textContent()).toContain('40 alerts joined: HighErrorRate on api-2…api-41');
    expect(await page.locator('#timeline li[data-type="alerts.changed"]').count()).toBe(2);
    await shot('storm-timeline');
    await line.getByRole('link', { name: 'the 40 alerts' }).click();
    await page.waitForURL(/\/alerts\?status=all&event=\d+/);
    expect(await page.textContent('.delivery-filter')).toContain('The alerts of one delivery');
    expect(await page.locator('.alert-list > li').count()).toBe(40);
    await shot('storm-alerts');
  });

  it('lists, adds and removes inhibition rules, and shows a muted alert as inhibited by its source', { timeout: 120_000 }, async () => {
    await page.goto(`${base}/inhibit-rules`);
    expect(await page.textContent('main')).toContain('No inhibition rules.');
    await page.click('summary:has-text("New inhibition rule")');
    // A refused form comes back with what was typed and the reason.
    await page.fill('#inhibit-rule-source', 'alertname=~"("');
    await page.fill('#inhibit-rule-equal', 'cluster');
    await page.click('#form-inhibit-rule button[type=submit]');
    await expect.poll(() => page.textContent('main')).toContain('invalid regular expression');
    expect(await page.inputValue('#inhibit-rule-equal')).toBe('cluster');
    await page.fill('#inhibit-rule-source', 'alertname="ClusterDown"');
    await page.fill('#inhibit-rule-target', 'severity="warning"');
    await page.fill('#inhibit-rule-comment', 'a cluster down mutes its symptoms');
    await page.click('#form-inhibit-rule button[type=submit]');
    await page.waitForURL(/done=created/);
    expect(await page.textContent('main')).toContain('Inhibition rule added.');
    expect(await page.textContent('main')).toContain('alertname="ClusterDown" mutes severity="warning" with equal cluster');

    const ingest = await firebreak.tokenFor('ingest');
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    await firebreak.request('POST', '/api/v2/alerts', {
      token: ingest,
      json: [
        { labels: { alertname: 'ClusterDown', cluster: 'eu-1', severity: 'critical' }, annotations: {}, startsAt },
        { labels: { alertname: 'PodCrashLooping', cluster: 'eu-1', severity: 'warning', pod: 'web-1' }, annotations: {}, startsAt },
      ],
    });
    await page.goto(`${base}/inhibit-rules`);
    expect(await page.textContent('main')).toContain('mutes 1 firing alert now');
    await shot('inhibit-rules');
    await page.goto(`${base}/alerts?filter=alertname%3D%22PodCrashLooping%22`);
    const muted = page.locator('.alert-list a.inhibited');
    expect(await muted.textContent()).toContain('inhibited by ClusterDown');
    await shot('inhibited-alert');
    await muted.click();
    await expect.poll(() => page.locator('.alert-list > li').count()).toBe(1);
    expect(await page.textContent('.alert-list')).toContain('ClusterDown');

    // The source resolves: on the expiry job's next tick the muted alert opens its incident, and says why.
    await firebreak.request('POST', '/api/v2/alerts', {
      token: ingest,
      json: [
        {
          labels: { alertname: 'ClusterDown', cluster: 'eu-1', severity: 'critical' },
          annotations: {},
          startsAt,
          endsAt: new Date(Date.now() - 1000).toISOString(),
        },
      ],
    });
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB);
    await page.goto(`${base}/alerts?filter=alertname%3D%22PodCrashLooping%22`);
    expect(await page.locator('.alert-list a.inhibited').count()).toBe(0);
    expect(await page.textContent('.alert-list .released')).toMatch(
      /^no longer inhibited: source ClusterDown on eu-1 resolved, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/,
    );
    await shot('released-alert');
    await page.locator('.alert-list a[href^="/incidents/INC-"]').first().click();
    const release = page.locator('#timeline li[data-type="alerts.changed"]', { hasText: 'no longer inhibited' });
    await expect
      .poll(() => release.textContent())
      .toContain('PodCrashLooping on web-1 joined (no longer inhibited: source ClusterDown on eu-1 resolved)');
    await shot('released-incident');

    // Removing the rule while its source fires releases what it muted, on the expiry job's next tick.
    await firebreak.request('POST', '/api/v2/alerts', {
      token: ingest,
      json: [
        { labels: { alertname: 'ClusterDown', cluster: 'eu-2', severity: 'critical' }, annotations: {}, startsAt },
        { labels: { alertname: 'NodeNotReady', cluster: 'eu-2', severity: 'warning', node: 'n-7' }, annotations: {}, startsAt },
      ],
    });
    await page.goto(`${base}/alerts?filter=alertname%3D%22NodeNotReady%22`);
    expect(await page.locator('.alert-list a.inhibited').textContent()).toContain('inhibited by ClusterDown');
    await page.goto(`${base}/inhibit-rules`);
    expect(await page.textContent('main')).toContain('mutes 1 firing alert now');
    await page.click('li[data-origin="api"] button:has-text("Remove")');
    await page.waitForURL(/done=removed/);
    expect(await page.textContent('main')).toContain('No inhibition rules.');
    expect(await page.textContent('main')).toContain(
      'Inhibition rule removed: the firing alerts it alone muted are released within seconds.',
    );
    await shot('inhibit-rule-removed');
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB);
    await page.goto(`${base}/alerts?filter=alertname%3D%22NodeNotReady%22`);
    expect(await page.locator('.alert-list a.inhibited').count()).toBe(0);
    expect(await page.textContent('.alert-list .released')).toContain(
      'no longer inhibited: the rule by which ClusterDown on eu-2 muted it was removed',
    );
    await shot('released-by-rule-removal');
    // On a phone the release reads whole, without scrolling sideways.
    const desktop = page.viewportSize();
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await page.locator('.alert-list .released').isVisible()).toBe(true);
    await shot('released-by-rule-removal-phone');
    if (desktop) await page.setViewportSize(desktop);
    await page.locator('.alert-list a[href^="/incidents/INC-"]').first().click();
    await expect
      .poll(() => page.locator('#timeline li[data-type="alerts.changed"]').first().textContent())
      .toContain('NodeNotReady on n-7 joined (no longer inhibited: the rule by which ClusterDown on eu-2 muted it was removed)');
    await shot('released-by-rule-removal-incident');
  });

  it("shows on the timeline that a flapping alert holds its incident's escalation", { timeout: 120_000 }, async () => {
    const ingest = await firebreak.tokenFor('ingest');
    const labels = { alertname: 'Wobbly', service: 'payments', severity: 'critical' };
    // Five changes within a minute: more than ALERT_FLAP_THRESHOLD (4) in the window.
    let incidentId = '';
    for (let step = 0; step < 5; step++) {
      const startsAt = new Date(Date.now() - (60 - step * 10) * 1000).toISOString();
      const endsAt = step % 2 === 0 ? new Date(Date.now() + 600_000).toISOString() : startsAt;
      const answer = await firebreak.request('POST', '/api/v2/alerts', {
        token: ingest,
        json: [{ labels, annotations: {}, startsAt, endsAt }],
      });
      incidentId ||= ((await answer.json()) as { incidentsOpened: string[] }).incidentsOpened[0] ?? '';
    }
    await firebreak.scheduler.runJob(ALERT_EXPIRY_JOB);
    const incident = await getIncident(firebreak.database.db, incidentId);
    await page.goto(`${base}/incidents/INC-${incident.number}`);
    const held = page.locator('#timeline li[data-type="escalation.held"]');
    await expect
      .poll(() => held.textContent())
      .toContain('Escalation held: Wobbly on payments is flapping; at most one escalation every 10 min until it settles');
    expect(await page.textContent('main')).toContain('↯ flapping');
    await shot('flapping-escalation-held');
  });
});
