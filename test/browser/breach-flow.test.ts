import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server.ts';
import { listen } from '../../server.ts';
import { FakeSmtpServer } from '../fakes/smtp-server.ts';
import { createTestFirebreak, type TestFirebreak } from '../harness/app.ts';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../harness/chromium.ts';
import { createDashboardUser } from '../harness/dashboard-session.ts';
import { databaseBackends } from '../harness/database.ts';
import { freePort } from '../harness/free-port.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots/breach-flow');

/** A commander runs a breach from declaration to close in the browser alone; a second person approves. */
describe.each(databaseBackends)('a breach run from the web in Chromium on %s', (backend) => {
  let firebreak: TestFirebreak;
  let running: RunningServer;
  let browser: Browser;
  let base: string;
  let profile: string;
  const smtp = new FakeSmtpServer();

  /** The whole page, and the part the step is about (the breach panel unless named), for the docs. */
  const shot = async (page: Page, name: string, part = '#breach') => {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${backend}-${name}.png`), fullPage: true });
    const element = page.locator(part).first();
    if ((await element.count()) > 0) await element.screenshot({ path: path.join(SCREENSHOTS, `${backend}-${name}-part.png`) });
  };

  /** A fresh browser context for one person: log in, enrol an authenticator, land on the incident list. */
  async function personLogsIn(email: string, password: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${base}/incidents`);
    await page.fill('#email', email);
    await page.fill('#password', password);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/login\/enrol/);
    const secret = (await page.textContent('#totp-secret'))?.trim() ?? '';
    await page.fill('#code', await generate({ secret }));
    await page.click('form[action="/login/enrol"] button[type=submit]');
    await page.waitForURL(/\/incidents$/);
    return page;
  }

  /** Submits a form of the incident page and waits for the page to say what it did. */
  async function submit(page: Page, form: string, done: string) {
    await page.click(`${form} button[type=submit]`);
    await page.waitForURL(new RegExp(`done=${done}`));
  }

  const openDetails = async (page: Page, summary: string) => {
    const details = page.locator('details', { has: page.locator(`summary:text-is("${summary}")`) }).first();
    if (!(await details.evaluate((element) => (element as unknown as { open: boolean }).open)))
      await details.locator('summary').first().click();
  };

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    await smtp.start();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    firebreak = await createTestFirebreak(backend, {
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: base,
      SMTP_URL: smtp.url,
      BREACH_ORGANIZATION_NAME: 'Acme Payments Ltd',
    });
    running = await listen(firebreak);
    profile = await mkdtemp(path.join(tmpdir(), 'firebreak-chromium-'));
    browser = await chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, headless: true, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await running?.shutdown();
    await smtp.stop();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it('marks the breach, watches the clocks, records facts, has a notice approved and delivered, writes the RCA and closes', async () => {
    const commanderUser = await createDashboardUser(firebreak, 'commander', 'casey@example.com');
    const reviewerUser = await createDashboardUser(firebreak, 'admin', 'robin@example.com');
    const commander = await personLogsIn(commanderUser.email, commanderUser.password);

    // Declared from the list page.
    await openDetails(commander, 'Declare an incident');
    await commander.fill('#declare-title', 'Customer export bucket readable');
    await commander.selectOption('#declare-severity', 'sev1');
    await commander.click('#form-declare button[type=submit]');
    await commander.waitForURL(/\/incidents\/INC-\d+$/);
    const reference = /INC-\d+/.exec(commander.url())?.[0] ?? '';
    const incidentPage = `${base}/incidents/${reference}`;
    await openDetails(commander, 'Assign a role');
    await commander.selectOption('#role-role', 'commander');
    await submit(commander, '#form-role', 'role');

    // 1. Marks the breach: the default regimes apply by themselves.
    await submit(commander, '#form-breach-mark', 'breach_marked');
    const regimes = commander.locator('#breach ul.regimes li');
    expect(await regimes.allTextContents()).toEqual([
      expect.stringContaining('Contract: notify customers within 24 hours'),
      expect.stringContaining('Contract: notify customers within 48 hours'),
    ]);
    expect(await regimes.first().textContent()).toContain('applied automatically');
    await shot(commander, '01-breach-marked');

    // 2. Identification reached: the 24 h and 48 h clocks start.
    await openDetails(commander, 'Move to another phase');
    await commander.selectOption('#phase-to', 'identification');
    await commander.check('#phase-override');
    await commander.fill('#phase-reason', 'Bucket confirmed public; moving on while the checklist is worked.');
    await submit(commander, '#form-phase', 'phase');
    const countdowns = commander.locator('#breach table.obligations .countdown');
    expect(await countdowns.count()).toBe(2);
    const [first = '', second = ''] = await countdowns.allTextContents();
    expect(first).toMatch(/^23h 5\dm( \d+s)? left$/);
    expect(second).toMatch(/^1d 23h 5\dm left$/);
    await shot(commander, '02-clocks-started');

    // 3. Records the facts the letter needs.
    await openDetails(commander, 'Record facts and times');
    const awareAt = new Date(Date.now() - 30 * 60_000).toISOString().slice(0, 16);
    await commander.fill('[id="breach-facts-anchor.awareAt"]', awareAt);
    await commander.selectOption('[id="breach-facts-fact.personalData"]', 'yes');
    await commander.fill('[id="breach-facts-fact.dataCategories"]', 'names, e-mail addresses, order totals');
    await commander.fill('[id="breach-facts-fact.peopleAffected"]', '1840');
    await commander.fill(
      '[id="breach-facts-fact.natureOfBreach"]',
      'A storage bucket with customer order exports was readable without a password for six hours.',
    );
    await commander.fill('[id="breach-facts-fact.likelyConsequences"]', 'You may receive phishing e-mails that quote your orders.');
    await commander.fill(
      '[id="breach-facts-fact.measuresTaken"]',
      'We closed public access, rotated every key and reviewed the access logs.',
    );
    await commander.fill('[id="breach-facts-fact.contactPoint"]', 'privacy@acme.example, +44 20 7946 0000');
    await commander.fill('#breach-facts-note', 'From the storage access logs');
    await submit(commander, '#form-breach-facts', 'facts');
    const peopleRow = commander.locator('#breach tr[data-fact="peopleAffected"]');
    expect(await peopleRow.textContent()).toContain('1840');
    expect(await peopleRow.textContent()).toContain('Commander Person');
    // A correction keeps the earlier value visible.
    await openDetails(commander, 'Record facts and times');
    await commander.fill('[id="breach-facts-fact.peopleAffected"]', '1912');
    await submit(commander, '#form-breach-facts', 'facts');
    expect(await peopleRow.textContent()).toContain('1912');
    expect(await peopleRow.locator('details.corrections').textContent()).toContain('1840');
    await shot(commander, '03-facts-recorded');

    // 4. Drafts a notice for the 24 h obligation and previews it.
    await openDetails(commander, 'Draft a notice');
    const options = await commander.locator('#notice-draft-obligationId option').allTextContents();
    expect(options[0]).toContain('contract-24h');
    await commander.fill('#notice-draft-recipients', 'Globex Security <security@globex.example>');
    await submit(commander, '#form-notice-draft', 'notice_drafted');
    const notice = commander.locator('article[data-status="draft"]');
    expect(await notice.count()).toBe(1);
    await shot(commander, '04-notice-drafted');
    await commander.click('article[data-status="draft"] a:text-is("Preview the letter")');
    await commander.waitForURL(/\/preview$/);
    expect(await commander.textContent('header.letterhead')).toContain('Acme Payments Ltd');
    expect(await commander.textContent('body')).toContain('Dear Globex Security,');
    await shot(commander, '05-notice-preview', 'main');
    await commander.goto(incidentPage);

    // 5. A second person approves it.
    const reviewer = await personLogsIn(reviewerUser.email, reviewerUser.password);
    await reviewer.goto(incidentPage);
    await reviewer.click('article[data-status="draft"] form[action$="/approve"] button');
    await reviewer.waitForURL(/done=notice_approved/);
    expect(await reviewer.locator('article[data-status="approved"]').count()).toBe(1);
    await shot(reviewer, '06-notice-approved-by-reviewer');

    // 6. The commander sends it: submitted only once the SMTP server has it.
    await commander.goto(incidentPage);
    await submit(commander, 'article[data-status="approved"] form[action$="/send"]', 'notice_sent');
    const obligation24 = commander.locator('#breach tr[data-regime="contract-24h"]');
    await expect
      .poll(
        async () => {
          await commander.reload();
          return obligation24.getAttribute('data-state');
        },
        { timeout: 20_000 },
      )
      .toBe('submitted');
    expect(smtp.received.map((mail) => mail.to)).toEqual([['security@globex.example']]);
    expect(await commander.locator('td[data-delivery="delivered"]').count()).toBe(1);
    expect(await commander.locator('#breach tr[data-regime="contract-48h"]').getAttribute('data-state')).toBe('applicable');
    await shot(commander, '07-notice-delivered-obligation-submitted');

    // 7. Through to root-cause analysis; the commander writes it, the reviewer approves it.
    for (const phase of ['containment', 'eradication', 'recovery', 'root_cause_analysis']) {
      await openDetails(commander, 'Move to another phase');
      await commander.selectOption('#phase-to', phase);
      await commander.check('#phase-override');
      await commander.fill('#phase-reason', 'Handled as recorded in the notes.');
      await submit(commander, '#form-phase', 'phase');
    }
    await commander.fill('#rca-summary', 'A bucket policy template granted public read to an export bucket.');
    await commander.fill('#rca-impact', 'Order exports of 1912 customers were readable for six hours.');
    await commander.fill('#rca-causes', 'The storage template defaulted to public read');
    await commander.fill(
      '#rca-whys',
      'Why was the bucket public? => The template said so\nWhy did review miss it? => Policies were not linted',
    );
    await commander.fill('#rca-lessons', 'Lint storage policies in CI.');
    await commander.click('form[action$="/rca"] button[type=submit]');
    await commander.waitForURL(/done=rca/);
    await shot(commander, '08-rca-written', '#rca');
    // The analysis's follow-up gets an owner and a due date (the checklist of this phase asks for one).
    const actionItems = commander.locator('#action-items');
    await actionItems.locator('#action-item-title').fill('Lint storage bucket policies in CI');
    await actionItems.locator('#action-item-ownerUserId').selectOption({ label: `${reviewerUser.name} (${reviewerUser.email})` });
    await actionItems.locator('#action-item-dueOn').fill('2031-05-01');
    await actionItems.locator('#form-action-item button[type=submit]').click();
    await commander.waitForURL(/done=action_item$/);
    const item = commander.locator('#action-items li[data-action-item]');
    expect(await item.count()).toBe(1);
    expect(await item.textContent()).toContain(`owner ${reviewerUser.name}`);
    await shot(commander, '08b-action-item', '#action-items');
    await reviewer.goto(incidentPage);
    await reviewer.click('form[action$="/rca/approve"] button');
    await reviewer.waitForURL(/done=rca_approved/);
    await shot(reviewer, '09-rca-approved-by-reviewer', '#rca');

    // 8. Closing is refused while the 48 h obligation is open, naming it.
    await commander.goto(incidentPage);
    for (let guard = 0; guard < 5 && (await commander.locator('ul.checklist button[aria-label^="Mark done"]').count()) > 0; guard++) {
      await commander.locator('ul.checklist button[aria-label^="Mark done"]').first().click();
      await commander.waitForURL(/done=checklist/);
    }
    await commander.click('#form-close button[type=submit]');
    await commander.waitForURL(/#form-close$/);
    const refusal = (await commander.textContent('#form-close .form-error')) ?? '';
    expect(refusal).toContain('still owes 1 breach obligation(s)');
    expect(refusal).toMatch(/Notify affected customers within 48 h" \(contract-48h, due \d{4}-/);
    await shot(commander, '10-close-refused', '#close');

    // The 48 h regime does not apply to Globex's contract: withdrawn with a reason, then the incident closes.
    await openDetails(commander, 'Withdraw a regime from this incident');
    await commander.selectOption('#regime-withdraw-regimeId', 'contract-48h');
    await commander.fill('#regime-withdraw-reason', "Globex's contract has the 24 h clause only; no 48 h clause applies.");
    await submit(commander, '#form-regime-withdraw', 'regime_withdrawn');
    expect(await commander.locator('#breach tr[data-regime="contract-48h"]').getAttribute('data-state')).toBe('not_applicable');
    await submit(commander, '#form-close', 'closed');
    expect(await commander.locator('.badge:text-is("closed")').count()).toBe(1);
    await shot(commander, '11-closed', 'main > section, main .card');
    await commander.context().close();
    await reviewer.context().close();
  }, 300_000);
});
