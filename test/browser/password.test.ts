import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestFirebreak } from '../harness/app.ts';
import type { DashboardBrowser } from '../harness/dashboard-browser.ts';
import { openDashboardBrowser } from '../harness/dashboard-browser.ts';
import { createDashboardUser } from '../harness/dashboard-session.ts';
import { databaseBackends } from '../harness/database.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots/password');

describe.each(databaseBackends)('password change and forced change in Chromium on %s', (backend) => {
  let browser: DashboardBrowser;
  let firebreak: TestFirebreak;
  let page: Page;
  let base: string;

  const shot = async (name: string) => {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${backend}-${name}.png`), fullPage: true });
  };
  // One 30-second step gives one code, accepted once: forgetting the last step used lets the next form
  // take the current code, as it would half a minute later.
  const nextCodeAllowed = (userId: string) =>
    firebreak.database.db.execute(sql`update users set totp_last_time_step = null where id = ${userId}`);

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    browser = await openDashboardBrowser(backend);
    ({ firebreak, page, base } = browser);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('changes a password on the account page, and after an admin reset forces the change before anything opens', async () => {
    const user = await createDashboardUser(firebreak, 'responder', 'pat@example.com');
    await page.goto(`${base}/login`);
    await page.fill('#email', user.email);
    await page.fill('#password', user.password);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/login\/enrol/);
    const secret = (await page.textContent('#totp-secret'))?.trim() ?? '';
    await page.fill('#code', await generate({ secret }));
    await page.click('form[action="/login/enrol"] button[type=submit]');
    await page.waitForURL(/\/incidents$/);

    // A wrong code is refused in plain words, next to the field, and nothing typed as a password comes back.
    await nextCodeAllowed(user.id);
    await page.goto(`${base}/account`);
    await page.fill('#password-currentPassword', user.password);
    await page.fill('#password-code', '000000');
    await page.fill('#password-newPassword', 'a brand new passphrase');
    await page.click('#form-password button[type=submit]');
    await page.waitForURL(/\/account#form-password$/);
    await expect.poll(() => page.textContent('#form-password .form-error')).toContain('That code is not right');
    expect(await page.inputValue('#password-currentPassword')).toBe('');
    await shot('01-change-refused');

    await page.fill('#password-currentPassword', user.password);
    await page.fill('#password-code', await generate({ secret }));
    await page.fill('#password-newPassword', 'a brand new passphrase');
    await page.click('#form-password button[type=submit]');
    await page.waitForURL(/\/account\?done=password-changed$/);
    expect(await page.textContent('.flash.ok')).toContain('Your password is changed');
    await shot('02-changed');

    // An admin resets it: the session ends; the next login lands on the change form, whatever is asked for.
    const reset = await fetch(`${base}/api/users/${user.id}/password-reset`, {
      method: 'POST',
      headers: { authorization: `Bearer ${firebreak.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({}),
    });
    const { temporaryPassword } = (await reset.json()) as { temporaryPassword: string };
    await page.goto(`${base}/incidents`);
    await page.waitForURL(/\/login/);
    await page.fill('#email', user.email);
    await page.fill('#password', temporaryPassword);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/login\/code/);
    await nextCodeAllowed(user.id);
    await page.fill('#code', await generate({ secret }));
    await page.click('button[type=submit]');
    await page.waitForURL(/\/account#form-password$/);
    expect(await page.textContent('main')).toContain('An admin reset your password');
    await shot('03-forced-change');
    await page.goto(`${base}/alerts`);
    expect(new URL(page.url()).pathname).toBe('/account');

    await nextCodeAllowed(user.id);
    await page.fill('#password-currentPassword', temporaryPassword);
    await page.fill('#password-code', await generate({ secret }));
    await page.fill('#password-newPassword', 'my own passphrase again');
    await page.click('#form-password button[type=submit]');
    await page.waitForURL(/\/account\?done=password-changed$/);
    expect(await page.textContent('main')).not.toContain('An admin reset your password');
    await page.goto(`${base}/incidents`);
    expect(new URL(page.url()).pathname).toBe('/incidents');
    await shot('04-after-forced-change');
  });
});
