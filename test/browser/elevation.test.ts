import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestFirebreak } from '../harness/app.ts';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../harness/chromium.ts';
import type { DashboardBrowser } from '../harness/dashboard-browser.ts';
import { logInWithEnrolment, openDashboardBrowser } from '../harness/dashboard-browser.ts';
import { createDashboardUser } from '../harness/dashboard-session.ts';
import { databaseBackends } from '../harness/database.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots/elevation');

describe.each(databaseBackends)('break-glass elevation and access review in Chromium on %s', (backend) => {
  let browser: DashboardBrowser;
  let firebreak: TestFirebreak;
  let asker: Page;
  let base: string;
  // The second admin works in a browser of their own: another person, another session.
  let otherBrowser: Browser;
  let approver: Page;

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${backend}-${name}.png`), fullPage: true });

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    browser = await openDashboardBrowser(backend);
    ({ firebreak, page: asker, base } = browser);
    otherBrowser = await chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, args: CHROMIUM_ARGS, headless: true });
    approver = await (await otherBrowser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  });

  afterAll(async () => {
    await otherBrowser?.close();
    await browser?.close();
  });

  it('asks on the account page, is approved by a second admin, shows the banner, and reviews access', async () => {
    const commander = await createDashboardUser(firebreak, 'commander', 'casey@example.com');
    const admin = await createDashboardUser(firebreak, 'admin', 'ana@example.com');
    await Promise.all([logInWithEnrolment(asker, base, commander), logInWithEnrolment(approver, base, admin)]);

    // A bad reason comes back next to its field, with what was typed.
    await asker.goto(`${base}/account`);
    await asker.fill('#elevation-reason', 'short');
    await asker.click('#form-elevation button[type=submit]');
    await asker.waitForURL(/\/account#form-elevation$/);
    await expect.poll(() => asker.textContent('#form-elevation .field-error')).toContain('at least 10 characters');
    expect(await asker.inputValue('#elevation-reason')).toBe('short');
    await asker.fill('#elevation-reason', 'Restore the deleted routing rule for payments (INC-12)');
    await asker.selectOption('#elevation-minutes', '120');
    await asker.click('#form-elevation button[type=submit]');
    await asker.waitForURL(/\/account\?done=elevation-requested#elevation$/);
    expect(await asker.textContent('#elevation')).toContain('waiting for another admin');
    await shot(asker, '01-requested');

    await approver.goto(`${base}/admin/elevations`);
    const request = approver.locator('li[id^="elevation-"]');
    await expect.poll(() => request.textContent()).toContain('Restore the deleted routing rule');
    await shot(approver, '02-pending-for-admin');
    await request.locator('input[name=note]').fill('Go ahead; tell #payments when done');
    await request.locator('button[value=approve]').click();
    await approver.waitForURL(/\/admin\/elevations\?done=approved$/);
    expect(await approver.textContent('table')).toContain('Go ahead');

    // The asker is an admin for two hours, and every page says so.
    await asker.goto(`${base}/admin/users`);
    const banner = asker.locator('#elevation-banner');
    await expect.poll(() => banner.textContent()).toMatch(/Elevated to admin until (\d{4}-\d{2}-\d{2} )?\d{2}:\d{2} UTC/);
    expect(await banner.textContent()).toContain('reason: Restore the deleted routing rule for payments (INC-12)');
    await shot(asker, '03-elevated-banner');

    // The access review shows the elevation and what was done; the review is recorded.
    await approver.goto(`${base}/admin/access-review`);
    await expect.poll(() => approver.textContent('main')).toContain('Commander Person: commander → admin, active');
    expect(await approver.textContent('#next-review')).toMatch(/Next review due/);
    await shot(approver, '04-access-review');
    await approver.fill('#access-review-notes', 'Commander Person elevated for INC-12; no leavers; scraper token still needed.');
    await approver.click('#form-access-review button[type=submit]');
    await approver.waitForURL(/\/admin\/access-review\?done=recorded$/);
    expect(await approver.textContent('#past-reviews')).toContain('no leavers');
    expect(await approver.textContent('main')).toContain('Last review');
    await shot(approver, '05-review-recorded');

    // Ended from the banner: the person's own role again.
    await asker.click('#elevation-banner button[type=submit]');
    await asker.waitForURL(/\/account\?done=elevation-ended#elevation$/);
    expect(await asker.locator('#elevation-banner').count()).toBe(0);
    expect(await asker.textContent('#perm-title')).toContain('commander');
    await shot(asker, '06-ended');
  });

  it('shows a request nobody decided in time as expired, to the asker and the admins, and refuses the late approval', async () => {
    // The people of the test above, still logged in.
    await asker.goto(`${base}/account`);
    await asker.fill('#elevation-reason', 'Rotate the payments webhook secret (INC-14)');
    await asker.click('#form-elevation button[type=submit]');
    await asker.waitForURL(/\/account\?done=elevation-requested#elevation$/);
    expect(await asker.textContent('#elevation')).toMatch(/Unanswered, it expires at (\d{4}-\d{2}-\d{2} )?\d{2}:\d{2} UTC/);

    await approver.goto(`${base}/admin/elevations`);
    const request = approver.locator('li[id^="elevation-"]');
    await expect.poll(() => request.textContent()).toContain('Rotate the payments webhook secret');
    expect(await request.textContent()).toMatch(/unanswered, expires at/);
    await shot(approver, '07-pending-with-expiry');

    // Nobody decides within ELEVATION_REQUEST_TTL_MINUTES (60): the scheduler expires the request.
    expect(await firebreak.scheduler.runDueTimers(new Date(Date.now() + 61 * 60_000))).toBeGreaterThanOrEqual(1);
    // The admin's page was open from before: approving now is refused, in words.
    await request.locator('button[value=approve]').click();
    await approver.waitForURL(/\/admin\/elevations/);
    await expect.poll(() => approver.textContent('.flash.error')).toContain('expired unanswered');
    expect(await approver.textContent('#pending-title + p')).toContain('No request is waiting');
    const row = approver.locator('tr', { hasText: 'Rotate the payments webhook secret' });
    expect(await row.textContent()).toContain('expired unanswered');
    expect(await row.textContent()).toContain('nobody within 60 minutes');
    await shot(approver, '08-request-expired-admin');
    await approver.goto(`${base}/admin/access-review`);
    await expect.poll(() => approver.textContent('main')).toContain('commander → admin, expired unanswered');

    await asker.goto(`${base}/account`);
    await expect
      .poll(() => asker.textContent('#elevation-request-expired'))
      .toMatch(/expired unanswered at (\d{4}-\d{2}-\d{2} )?\d{2}:\d{2} UTC/);
    expect(await asker.textContent('#perm-title')).toContain('commander');
    await shot(asker, '09-request-expired-asker');
  });
});
