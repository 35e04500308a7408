import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiveAlerts } from '../../incidents/index.ts';
import { systemContext } from '../../platform/index.ts';
import type { TestFirebreak } from '../harness/app.ts';
import type { DashboardBrowser } from '../harness/dashboard-browser.ts';
import { logInWithEnrolment, openDashboardBrowser } from '../harness/dashboard-browser.ts';
import { createDashboardUser } from '../harness/dashboard-session.ts';
import { databaseBackends } from '../harness/database.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots/heartbeats');

describe.each(databaseBackends)('heartbeats and silent sources in Chromium on %s', (backend) => {
  let browser: DashboardBrowser;
  let firebreak: TestFirebreak;
  let page: Page;
  let base: string;

  const shot = async (name: string) => {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${backend}-${name}.png`), fullPage: true });
  };

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    browser = await openDashboardBrowser(backend);
    ({ firebreak, page, base } = browser);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('adds a heartbeat (a refusal keeps what was typed), shows it heard, removes it; an incident reads "alerts expired — source silent"', async () => {
    const user = await createDashboardUser(firebreak, 'commander', 'kim@example.com');
    await logInWithEnrolment(page, base, user);

    await page.click('nav a[href="/heartbeats"]');
    await page.waitForURL(/\/heartbeats$/);
    expect(await page.textContent('main')).toContain('No heartbeats');
    await page.click('details summary:has-text("New heartbeat")');
    await page.fill('#heartbeat-name', 'prometheus-prod');
    await page.selectOption('#heartbeat-source', 'prometheus');
    await page.fill('#heartbeat-interval', 'every minute');
    await page.click('#form-heartbeat button[type=submit]');
    await page.waitForURL(/\/heartbeats#form-heartbeat$/);
    await expect.poll(() => page.textContent('#form-heartbeat')).toContain('interval');
    expect(await page.inputValue('#heartbeat-name')).toBe('prometheus-prod');
    expect(await page.inputValue('#heartbeat-interval')).toBe('every minute');
    await shot('01-refused');

    await page.fill('#heartbeat-interval', '1m');
    await page.fill('#heartbeat-grace', '30s');
    await page.click('#form-heartbeat button[type=submit]');
    await page.waitForURL(/\/heartbeats\?done=created/);
    const row = page.locator('tr[data-heartbeat="prometheus-prod"]');
    expect(await row.getAttribute('data-state')).toBe('waiting');
    expect(await row.textContent()).toContain('1 min + 30 s');
    expect(await row.textContent()).toContain('never');

    // Prometheus posts its Watchdog straight to /api/v2/alerts: heard.
    const ingest = await firebreak.tokenFor('ingest');
    const posted = await fetch(`${base}/api/v2/alerts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ingest}`, 'content-type': 'application/json' },
      body: JSON.stringify([{ labels: { alertname: 'Watchdog', severity: 'none' }, annotations: {} }]),
    });
    expect(posted.status).toBe(200);
    await page.reload();
    expect(await row.getAttribute('data-state')).toBe('ok');
    expect(await row.textContent()).not.toContain('never');
    await shot('02-heard');

    // An incident whose alerts' source went silent: they expire, and it says so on the list and its page.
    const system = systemContext(firebreak.database.db, firebreak.config);
    const now = Date.now();
    const sent = await receiveAlerts(
      system,
      ['api-1', 'api-2'].map((instance) => ({
        labels: { alertname: 'HighErrorRate', service: 'checkout', instance, severity: 'critical' },
        annotations: { summary: 'errors above 5%' },
        startsAt: new Date(now - 120_000),
        endsAt: new Date(now + 60_000),
      })),
      { source: 'prometheus', now: new Date(now - 60_000) },
    );
    expect(sent.incidentsOpened).toHaveLength(1);
    await firebreak.scheduler.runJob('alerts.expire', new Date(now + 61_000));
    await page.goto(`${base}/incidents`);
    const listed = page.locator('tr[data-incident="INC-1"]');
    await expect.poll(() => listed.textContent()).toContain('alerts expired — source silent');
    await shot('03-list-source-silent');
    await page.click('tr[data-incident="INC-1"] a');
    await page.waitForURL(/\/incidents\/INC-1$/);
    expect(await page.textContent('#alerts-expired')).toContain('Alerts expired — source silent');
    expect(await page.textContent('main')).toContain('◌ expired — source silent');
    expect(await page.textContent('main')).toContain('expired: the source went silent');
    expect(await page.textContent('main')).toContain('· the 2 alerts');
    await shot('04-incident-source-silent');
    // The alert list, by state: each expired alert, and from when to when it fired.
    await page.click('a:has-text("in the alert list") >> nth=0');
    await page.selectOption('select[name="status"]', 'expired');
    await page.click('button:has-text("Search")');
    await page.waitForURL(/status=expired/);
    const expiredRows = page.locator('li[data-alert-status="expired"]');
    expect(await expiredRows.count()).toBe(2);
    expect(await expiredRows.first().textContent()).toMatch(/fired from \d{4}-\d\d-\d\d [\d:]+ UTC to \d{4}-\d\d-\d\d [\d:]+ UTC/);
    await shot('04b-alerts-expired');
    // On a phone the span reads whole, without scrolling sideways.
    const desktop = page.viewportSize();
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot('04c-alerts-expired-phone');
    if (desktop) await page.setViewportSize(desktop);

    await page.goto(`${base}/heartbeats`);
    await page.click('tr[data-heartbeat="prometheus-prod"] button:has-text("Remove")');
    await page.waitForURL(/\/heartbeats\?done=removed$/);
    expect(await page.textContent('.flash.ok')).toContain('Heartbeat removed');
    expect(await page.locator('tr[data-heartbeat]').count()).toBe(0);
    await shot('05-removed');
  });
});
