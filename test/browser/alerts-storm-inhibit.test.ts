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

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots');

describe.each(databaseBackends)('alert storms and inhibition rules in Chromium on %s', (backend) => {
  let browser: DashboardBrowser;
  let firebreak: TestFirebreak;
  let page: Page;
  let base: string;
  const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${backend}-${name}.png`), fullPage: true });

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    browser = await openDashboardBrowser(backend);
    ({ firebreak, page, base } = browser);
    const user = await createDashboardUser(firebreak, 'admin', 'ana@example.com');
    await logInWithEnrolment(page, base, user);
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

    await page.goto(`${base}/inhibit-rules`);
    await page.click('li[data-origin="api"] button:has-text("Remove")');
    await page.waitForURL(/done=removed/);
    expect(await page.textContent('main')).toContain('No inhibition rules.');
  });
});
