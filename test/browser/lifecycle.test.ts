import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declareIncident, getIncident, listActionItems } from '../../incidents/index.ts';
import { createUser, systemContext } from '../../platform/index.ts';
import type { TestFirebreak } from '../harness/app.ts';
import type { DashboardBrowser } from '../harness/dashboard-browser.ts';
import { openDashboardBrowser } from '../harness/dashboard-browser.ts';
import { createDashboardUser } from '../harness/dashboard-session.ts';
import { databaseBackends } from '../harness/database.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots');

describe.each(databaseBackends)('the rest of the lifecycle from the web, in Chromium on %s', (backend) => {
  let browser: DashboardBrowser;
  let firebreak: TestFirebreak;
  let page: Page;
  let base: string;
  const requested: string[] = [];

  const shot = async (name: string) => {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${backend}-lifecycle-${name}.png`), fullPage: true });
  };
  /** One part of the page (for the documentation). */
  const shotOf = async (selector: string, name: string) => {
    await page.locator(selector).screenshot({ path: path.join(SCREENSHOTS, `${backend}-lifecycle-${name}.png`) });
  };

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    browser = await openDashboardBrowser(backend);
    ({ firebreak, page, base } = browser);
    page.on('request', (request) => requested.push(`${request.method()} ${new URL(request.url()).pathname}`));
  });

  afterAll(async () => {
    await browser?.close();
  });

  // A whole session in a browser: on a machine shared with other test runs it takes longer than the default 30 s.
  it('a commander edits the incident, adds evidence, gives an action item an owner and a due date, and marks it done', {
    timeout: 120_000,
  }, async () => {
    const system = systemContext(firebreak.database.db, firebreak.config);
    const incident = await declareIncident(system, { title: 'Checkout erors', severity: 'sev2', services: ['checkout'] });
    const reference = `INC-${incident.number}`;
    const owner = await createUser(system, {
      email: 'bo@example.com',
      name: 'Bo Chen',
      role: 'responder',
      password: 'correct horse battery staple',
      slackUserId: 'U0BOCHEN',
    });
    const commander = await createDashboardUser(firebreak, 'commander', 'casey@example.com');

    await page.goto(`${base}/incidents/${reference}`);
    await page.fill('#email', commander.email);
    await page.fill('#password', commander.password);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/login\/enrol/);
    const secret = (await page.textContent('#totp-secret'))?.trim() ?? '';
    await page.fill('#code', await generate({ secret }));
    await page.click('form[action="/login/enrol"] button[type=submit]');
    await page.waitForURL(new RegExp(`/incidents/${reference}$`));
    requested.length = 0;

    // Title, summary and services.
    await page.click('summary:has-text("Edit title, summary and services")');
    await page.fill('#edit-title', 'Checkout errors after the 4.2.1 deploy');
    await page.fill('#edit-summary', 'Card payments fail for EU customers since 10:02 UTC.');
    await page.fill('#edit-services', 'checkout, payments-gateway');
    await shot('01-edit-form');
    await shotOf('#form-edit', '01-edit-form-only');
    await page.click('#form-edit button[type=submit]');
    await page.waitForURL(/done=incident_edited/);
    expect(await page.textContent('#incident-title')).toContain('Checkout errors after the 4.2.1 deploy');
    expect(await page.textContent('#incident-summary')).toContain('checkout, payments-gateway');
    expect(await page.textContent('#incident-summary')).toContain('Card payments fail for EU customers');
    await shot('02-edited');

    // Evidence: a bad hash is refused in plain words, with what was typed kept; then it is recorded.
    await page.click('summary:has-text("Add evidence")');
    await page.fill('#evidence-title', 'Gateway access log, 10:00–11:00 UTC');
    await page.fill('#evidence-url', 'https://storage.example.com/inc/gateway-access.log.gz');
    await page.fill('#evidence-sha256', 'not-a-hash');
    await page.click('#form-evidence button[type=submit]');
    await page.waitForURL(/#form-evidence$/);
    expect(await page.textContent('#form-evidence .form-error')).toContain('Sha256 must be 64 hexadecimal characters');
    expect(await page.inputValue('#evidence-title')).toBe('Gateway access log, 10:00–11:00 UTC');
    await shot('03-evidence-refused');
    await page.fill('#evidence-sha256', 'a'.repeat(64));
    await page.click('#form-evidence button[type=submit]');
    await page.waitForURL(/done=evidence/);
    const evidence = page.locator('#evidence li[data-evidence]');
    expect(await evidence.count()).toBe(1);
    expect(await evidence.first().textContent()).toContain('Gateway access log');
    expect(await evidence.first().locator('a').getAttribute('href')).toBe('https://storage.example.com/inc/gateway-access.log.gz');
    await shot('04-evidence-added');
    await shotOf('#evidence', '04-evidence-panel');

    // An action item with an owner picked from the people, and a due date.
    const panel = page.locator('#action-items');
    await panel.locator('#action-item-title').fill('Gate deploys on a canary for config pushes');
    await panel.locator('#action-item-ownerUserId').selectOption({ label: 'Bo Chen (bo@example.com)' });
    await panel.locator('#action-item-dueOn').fill('2031-05-01');
    await shot('05-action-item-form');
    await panel.locator('#form-action-item button[type=submit]').click();
    await page.waitForURL(/done=action_item$/);
    const item = page.locator('#action-items li[data-action-item]');
    expect(await item.count()).toBe(1);
    expect(await item.getAttribute('data-status')).toBe('open');
    expect(await item.textContent()).toContain('owner Bo Chen');
    expect(await item.textContent()).toContain('2031-05-01');
    await shot('06-action-item-added');
    await item.locator('summary:has-text("Edit")').click();
    await shotOf('#action-items', '06-action-items-panel');
    await item.locator('summary:has-text("Edit")').click();

    await item.locator('button:has-text("Mark done")').click();
    await page.waitForURL(/done=action_item_done/);
    expect(await page.locator('#action-items li[data-action-item]').getAttribute('data-status')).toBe('done');
    expect(await page.textContent('#timeline')).toContain('Gate deploys on a canary');
    await shot('07-action-item-done');

    // Readable on a phone: nothing wider than the screen, the hash and long titles wrap.
    await page.setViewportSize({ width: 360, height: 780 });
    await page.reload();
    const pageWidth = await page.evaluate(
      () => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth,
    );
    expect(pageWidth).toBeLessThanOrEqual(360);
    await shot('08-incident-360px');
    await page.setViewportSize({ width: 1280, height: 900 });

    // What the page did is what the incident holds, and the browser never called the API.
    const stored = await getIncident(firebreak.database.db, incident.id);
    expect(stored).toMatchObject({ title: 'Checkout errors after the 4.2.1 deploy', services: ['checkout', 'payments-gateway'] });
    const [saved] = await listActionItems(firebreak.database.db, incident.id);
    expect(saved).toMatchObject({ ownerUserId: owner.id, ownerName: 'Bo Chen', status: 'done' });
    expect(saved?.dueAt?.toISOString()).toBe('2031-05-01T23:59:59.999Z');
    expect(requested.filter((request) => request.includes('/api/'))).toEqual([]);
    expect(requested.filter((request) => request.startsWith('POST'))).toHaveLength(5);
    expect(requested.filter((request) => request.startsWith('GET /incidents/'))).not.toEqual([]);
  });
});
