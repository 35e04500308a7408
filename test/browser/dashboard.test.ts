import { mkdir, readFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { generate } from 'otplib';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declareIncident, listTimeline } from '../../incidents/index.ts';
import { systemContext } from '../../platform/index.ts';
import type { TestFirebreak } from '../harness/app.ts';
import type { DashboardBrowser } from '../harness/dashboard-browser.ts';
import { openDashboardBrowser } from '../harness/dashboard-browser.ts';
import { createDashboardUser } from '../harness/dashboard-session.ts';
import { databaseBackends } from '../harness/database.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots');
const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/alertmanager-webhook/01-firing.json');

describe.each(databaseBackends)('the dashboard in Chromium on %s', (backend) => {
  let firebreak: TestFirebreak;
  let browser: DashboardBrowser;
  let context: BrowserContext;
  let page: Page;
  let base: string;

  const shot = async (name: string) => {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${backend}-${name}.png`), fullPage: true });
  };
  const api = (method: string, route: string, body: unknown, token = firebreak.adminToken) =>
    fetch(`${base}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  async function logInWithEnrolment(email: string, password: string) {
    await page.goto(`${base}/incidents`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('#email', email);
    await page.fill('#password', password);
    await shot(`01-login-${email.split('@')[0]}`);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/login\/enrol/);
    await expect
      .poll(() => page.locator('img.qr').evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth))
      .toBeGreaterThan(100);
    const secret = (await page.textContent('#totp-secret'))?.trim() ?? '';
    await shot(`02-enrol-${email.split('@')[0]}`);
    await page.fill('#code', await generate({ secret }));
    await page.click('form[action="/login/enrol"] button[type=submit]');
    await page.waitForURL(/\/incidents$/);
  }

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    browser = await openDashboardBrowser(backend, { BREACH_ORGANIZATION_NAME: 'Acme Payments', LOGIN_MAX_FAILURES: '3' });
    ({ firebreak, context, page, base } = browser);
    page.on('dialog', (dialog) => void dialog.accept());
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('logs in with TOTP, shows an alert becoming an incident live, runs it, counts down, approves and publishes a notice', async () => {
    const drafter = await createDashboardUser(firebreak, 'commander', 'casey@example.com');
    const approver = await createDashboardUser(firebreak, 'admin', 'robin@example.com');
    await logInWithEnrolment(drafter.email, drafter.password);
    await expect.poll(() => page.textContent('#live-status')).toContain('Live');
    await shot('03-incidents-empty');

    // An alert arrives while the list is open: the incident appears without a reload.
    const ingest = await firebreak.tokenFor('ingest');
    const posted = await fetch(`${base}/ingest/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ingest}`, 'content-type': 'application/json' },
      body: await readFile(FIXTURE, 'utf8'),
    });
    expect(posted.status).toBe(200);
    const row = page.locator('#incident-rows tr[data-incident]').first();
    await row.waitFor({ timeout: 15_000 });
    const reference = (await row.getAttribute('data-incident')) ?? '';
    expect(reference).toMatch(/^INC-\d+$/);
    await shot('04-incident-appeared');

    await row.locator('a').click();
    await page.waitForURL(new RegExp(`/incidents/${reference}$`));
    await expect.poll(() => page.textContent('#live-status')).toContain('Live');
    await page.click('summary:has-text("Assign a role")');
    await page.selectOption('#role-role', 'commander');
    await page.click('form[action$="/roles"] button[type=submit]');
    await page.waitForURL(/done=role/);
    await page.selectOption('#phase-to', 'identification');
    await page.fill('#phase-reason', 'Error rate confirmed on checkout');
    await page.check('input[name="override"]');
    await page.click('form[action$="/phase"] button[type=submit]');
    await page.waitForURL(/done=phase/);
    await expect.poll(() => page.textContent('ol.stepper li.current')).toContain('identification');
    await expect.poll(() => page.textContent('#live-status')).toContain('Live');

    // Someone else writes a note through the API: it appears on the open page.
    expect((await api('POST', `/api/incidents/${reference}/notes`, { text: 'Payments team is rolling back 4.2.1' })).status).toBe(201);
    await page.locator('#timeline li', { hasText: 'Payments team is rolling back 4.2.1' }).waitFor({ timeout: 10_000 });
    await shot('05-incident-identification');

    // A personal-data breach with a 24 h contractual clock that started 23 h ago.
    const identifiedAt = new Date(Date.now() - 23 * 3_600_000).toISOString();
    const facts = await api('POST', `/api/incidents/${reference}/breach/facts`, {
      facts: {
        personalData: true,
        natureOfBreach: 'An export of checkout orders was readable without authentication.',
        dataCategories: ['names', 'e-mail addresses'],
        likelyConsequences: 'Phishing e-mails that quote your orders.',
        measuresTaken: 'We closed the endpoint and rotated the keys.',
        contactPoint: 'privacy@acme.example',
      },
      anchors: { identifiedAt, awareAt: identifiedAt },
    });
    expect(facts.status).toBe(201);
    // personalData: true made it a breach: the default regimes (contract-24h and -48h) applied by themselves.
    await firebreak.scheduler.runDueTimers(new Date());
    await page.reload();
    const countdown = page.locator('#breach .countdown').first();
    await expect.poll(() => countdown.getAttribute('data-state')).toBe('amber');
    const before = await countdown.textContent();
    await expect.poll(() => countdown.textContent(), { timeout: 5_000 }).not.toBe(before);
    expect(await countdown.textContent()).toMatch(/^\d+m \d+s left$/);
    await shot('06-deadline-countdown');

    await page.click('summary:has-text("Draft a notice")');
    await page.fill('#notice-draft-recipients', 'Ana Lima\nBo Chen');
    await page.click('form[action$="/notices"] button[type=submit]');
    await page.waitForURL(/done=notice_drafted/);
    expect(await page.locator('article[data-status="draft"]').count()).toBe(1);

    // Four eyes: the drafter cannot approve; someone else logs in and does.
    await page.click('header form[action="/logout"] button');
    await page.waitForURL(/\/login$/);
    await logInWithEnrolment(approver.email, approver.password);
    await page.goto(`${base}/incidents/${reference}`);
    await page.click('article[data-status="draft"] form[action$="/approve"] button');
    await page.waitForURL(/done=notice_approved/);
    expect(await page.locator('article[data-status="approved"]').count()).toBe(1);
    await shot('07-notice-approved');
    await page.click('article[data-status="approved"] form[action$="/send"] button');
    await page.waitForURL(/done=notice_sent/);
    const link = page.locator('article[data-status="sent"] td[data-label="Public page"] a').first();
    const publicUrl = (await link.getAttribute('href')) ?? '';
    expect(publicUrl.startsWith(`${base}/notices/`)).toBe(true);
    await shot('08-notice-sent');

    // The public notice: no login (fetched without any cookie), nothing internal.
    const anonymous = await fetch(publicUrl);
    expect(anonymous.status).toBe(200);
    const html = await anonymous.text();
    expect(html).toContain('An export of checkout orders was readable without authentication.');
    expect(html).not.toContain(reference);
    expect(html).not.toContain('Payments team is rolling back');
    const publicPage = await context.newPage();
    await publicPage.setViewportSize({ width: 360, height: 780 });
    expect((await publicPage.goto(publicUrl))?.status()).toBe(200);
    await publicPage.screenshot({ path: path.join(SCREENSHOTS, `${backend}-09-public-notice-360px.png`), fullPage: true });
    await publicPage.close();

    // A link followed from another site (here: localhost, another site than 127.0.0.1) keeps the login.
    const elsewhere = createHttpServer((_request, reply) => {
      reply.setHeader('content-type', 'text/html');
      reply.end(`<a id="link" href="${base}/incidents/${reference}">incident</a>`);
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, 'localhost', resolve));
    try {
      const address = elsewhere.address();
      await page.goto(`http://localhost:${typeof address === 'object' && address ? address.port : 0}/`);
      await page.click('#link');
      await page.waitForURL(new RegExp(`/incidents/${reference}$`));
      expect(await page.textContent('h1')).toContain(reference);
    } finally {
      elsewhere.close();
    }

    // Readable at 360 px, and the admin pages.
    await page.setViewportSize({ width: 360, height: 780 });
    const pageWidth = () =>
      page.evaluate(
        () => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth,
      );
    await page.goto(`${base}/incidents`);
    expect(await pageWidth()).toBeLessThanOrEqual(360);
    await shot('10-incidents-360px');
    await page.goto(`${base}/incidents/${reference}`);
    expect(await pageWidth()).toBeLessThanOrEqual(360);
    await shot('11-incident-360px');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${base}/admin/users`);
    await shot('12-admin-users');
    await page.goto(`${base}/admin/audit?verify=1`);
    expect(await page.textContent('#verify-result')).toContain('Intact');
    await shot('13-admin-audit');
  });
  it('keeps a viewer from acting, refuses a cross-site form, ends an idle session and slows a guesser down', async () => {
    await context.clearCookies();
    const incident = await declareIncident(systemContext(firebreak.database.db, firebreak.config), {
      title: 'Read-only view',
      severity: 'sev3',
    });
    const reference = `INC-${incident.number}`;
    const viewer = await createDashboardUser(firebreak, 'viewer', 'vera@example.com');
    await logInWithEnrolment(viewer.email, viewer.password);
    await page.goto(`${base}/incidents/${reference}`);
    expect(await page.textContent('main')).toContain('can follow this incident but not change it');
    expect(await page.locator('form[action$="/acknowledge"], form[action$="/phase"], form[action$="/notes"]').count()).toBe(0);
    await shot('14-viewer-incident');

    // Another site posts a form at Firebreak in the viewer's browser: refused, nothing written.
    const attacker = createHttpServer((_request, reply) => {
      reply.setHeader('content-type', 'text/html');
      reply.end(
        `<form id="f" method="post" action="${base}/incidents/${reference}/notes"><input name="text" value="forged note"><input name="_csrf" value="guess"></form><script>document.getElementById('f').submit()</script>`,
      );
    });
    await new Promise<void>((resolve) => attacker.listen(0, 'localhost', resolve));
    try {
      const address = attacker.address();
      const answer = page.waitForResponse((response) => response.url().endsWith(`/incidents/${reference}/notes`));
      await page.goto(`http://localhost:${typeof address === 'object' && address ? address.port : 0}/`);
      expect([401, 403]).toContain((await answer).status());
      await shot('15-cross-site-form-refused');
    } finally {
      attacker.close();
    }
    const events = await listTimeline(firebreak.database.db, incident.id, { limit: 100 });
    expect(events.events.map((event) => event.type)).not.toContain('note.added');

    // Idle for longer than SESSION_IDLE_MINUTES: the next page is the login page.
    await firebreak.database.db.execute(sql`update sessions set last_seen_at = now() - interval '31 minutes' where revoked_at is null`);
    await page.goto(`${base}/incidents/${reference}`);
    expect(new URL(page.url()).pathname).toBe('/login');

    // Three wrong passwords slow the account down: the right one must wait too, and the page says how long.
    for (let attempt = 0; attempt < 3; attempt++) {
      await page.fill('#email', viewer.email);
      await page.fill('#password', 'not the password at all');
      await page.click('button[type=submit]');
      expect(await page.textContent('.flash.error')).toContain('not right');
    }
    await page.fill('#email', viewer.email);
    await page.fill('#password', viewer.password);
    await page.click('button[type=submit]');
    expect(await page.textContent('.flash.error')).toMatch(/Too many failed logins for this e-mail address; wait \d+ (seconds?|minutes?)/);
    await shot('16-slowed-down');
  });
});
