import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestFirebreak } from '../harness/app.ts';
import type { DashboardBrowser } from '../harness/dashboard-browser.ts';
import { logInWithEnrolment, openDashboardBrowser } from '../harness/dashboard-browser.ts';
import { createDashboardUser } from '../harness/dashboard-session.ts';
import { databaseBackends } from '../harness/database.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots/people');

describe.each(databaseBackends)('managing people in Chromium on %s', (backend) => {
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
    // Confirmations (disable, revoke) are accepted as a person would.
    page.on('dialog', (dialog) => void dialog.accept());
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('an admin changes a role, details and access; a person changes their own name and Slack id and makes a token', async () => {
    const admin = await createDashboardUser(firebreak, 'admin', 'root@example.com');
    const person = await createDashboardUser(firebreak, 'responder', 'sam@example.com');
    const made = await fetch(`${base}/api/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${firebreak.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'sam-cli', role: 'responder', owner: person.email }),
    });
    const { token } = (await made.json()) as { token: string };

    await logInWithEnrolment(page, base, admin);

    await page.goto(`${base}/admin/users`);
    await page.click('tr[data-user="sam@example.com"] a');
    await page.waitForURL(/\/admin\/people\//);
    // A bad Slack id is refused next to the field, with what was typed kept.
    await page.fill('#person-name', 'Sam Lee');
    await page.fill('#person-slackUserId', 'sam');
    await page.click('#form-person button[type=submit]');
    await page.waitForURL(/#form-person$/);
    await expect.poll(() => page.textContent('#form-person .form-error')).toContain('Slack user id');
    expect(await page.inputValue('#person-name')).toBe('Sam Lee');
    await shot('01-person-refused');

    await page.fill('#person-slackUserId', 'U0SAM');
    await page.selectOption('#person-role', 'commander');
    await page.click('#form-person button[type=submit]');
    await page.waitForURL(/\?done=saved$/);
    expect(await page.textContent('.flash.ok')).toContain('Saved');
    expect(await page.inputValue('#person-role')).toBe('commander');
    await shot('02-person-saved');
    const me = await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await me.json()) as { role: string; name: string }).role).toBe('responder');

    await page.click('form[action$="/disable"] button[type=submit]');
    await page.waitForURL(/\?done=disabled$/);
    expect(await page.textContent('main')).toContain('Disabled since');
    await shot('03-person-disabled');
    expect((await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    await page.goto(`${base}/admin/users`);
    expect(await page.textContent('tr[data-user="sam@example.com"]')).toContain('disabled');
    expect(await page.textContent('tr[data-user="sam@example.com"]')).toContain('commander');

    // Self-service on the account page.
    await page.goto(`${base}/account`);
    await page.fill('#profile-name', 'Root Admin');
    await page.fill('#profile-slackUserId', 'U0ROOT');
    await page.click('#form-profile button[type=submit]');
    await page.waitForURL(/\/account\?done=profile-saved$/);
    expect(await page.inputValue('#profile-name')).toBe('Root Admin');
    expect(await page.inputValue('#profile-slackUserId')).toBe('U0ROOT');

    await page.fill('#own-token-name', 'laptop CLI');
    await page.fill('#own-token-expiresInDays', '30');
    await page.click('#form-own-token button[type=submit]');
    const shown = (await page.textContent('#new-token'))?.trim() ?? '';
    expect(shown).toMatch(/^fbk_/);
    expect(await page.textContent('tr[data-token="laptop CLI"]')).toContain('never');
    await shot('04-account');
    const own = await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${shown}` } });
    expect((await own.json()) as { name: string; role: string }).toMatchObject({ role: 'admin' });

    const accounts = await fetch(`${base}/api/users`, { headers: { authorization: `Bearer ${firebreak.adminToken}` } });
    const root = ((await accounts.json()) as { users: { email: string; name: string; slackUserId: string }[] }).users.find(
      (user) => user.email === admin.email,
    );
    expect(root).toMatchObject({ name: 'Root Admin', slackUserId: 'U0ROOT' });
  });
});
