import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestFirebreak } from '../harness/app.ts';
import type { DashboardBrowser } from '../harness/dashboard-browser.ts';
import { logInWithEnrolment, openDashboardBrowser } from '../harness/dashboard-browser.ts';
import { createDashboardUser } from '../harness/dashboard-session.ts';
import { databaseBackends } from '../harness/database.ts';
import { populateInstall, SUBJECT } from '../harness/populated-install.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots/data-governance');

/** The names of the files in a tar archive. */
function tarNames(tar: Buffer): string[] {
  const names: string[] = [];
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const name = tar
      .subarray(offset, offset + 100)
      .toString('utf8')
      .replace(/\0.*$/s, '');
    if (!name) break;
    names.push(name);
    offset += 512 + Math.ceil(Number.parseInt(tar.subarray(offset + 124, offset + 136).toString('utf8'), 8) / 512) * 512;
  }
  return names;
}

describe.each(databaseBackends)('export and data-subject pages in Chromium on %s', (backend) => {
  let browser: DashboardBrowser;
  let firebreak: TestFirebreak;
  let page: Page;
  let base: string;

  const shot = async (name: string) => {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${backend}-${name}.png`), fullPage: true });
  };

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    browser = await openDashboardBrowser(backend, { BREACH_ORGANIZATION_NAME: 'Acme Cloud', SMTP_URL: 'smtp://127.0.0.1:9' });
    ({ firebreak, page, base } = browser);
    await populateInstall(firebreak);
    const admin = await createDashboardUser(firebreak, 'admin', 'dpo@example.com');
    await logInWithEnrolment(page, base, admin);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('downloads an export from the admin page', async () => {
    await page.goto(`${base}/admin`);
    await page.click('a[href="/admin/export"]');
    await page.waitForURL(/\/admin\/export$/);
    await page.uncheck('#export-audit');
    await shot('export-page');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#form-export button[type=submit]')]);
    const file = path.join(SCREENSHOTS, `${backend}-export.tar`);
    await download.saveAs(file);
    const names = tarNames(await readFile(file));
    expect(names.at(-1)).toBe('manifest.json');
    expect(names).toContain('incidents/incidents.ndjson');
    expect(names.some((name) => name.startsWith('reports/INC-'))).toBe(true);
    expect(names.some((name) => name.startsWith('audit/'))).toBe(false);
  });

  it('finds a person with a dry run, refuses to erase without the confirmation, then erases', async () => {
    await page.goto(`${base}/admin/privacy`);
    await page.fill('#erasure-search-email', SUBJECT.email);
    await page.fill('#erasure-search-name', SUBJECT.name);
    await page.click('#form-erasure-search button[type=submit]');
    await page.waitForSelector('#erasure-findings');
    expect(await page.textContent('#erasure-findings')).toContain('note_revisions');
    await shot('erasure-dry-run');

    await page.click('#form-erasure-apply button[type=submit]');
    await page.waitForURL(/#form-erasure-apply$/);
    await expect.poll(() => page.textContent('#form-erasure-apply .form-error')).toContain('Tick the confirmation');
    await shot('erasure-refused');

    await page.check('#erasure-apply-confirm');
    await page.click('#form-erasure-apply button[type=submit]');
    await page.waitForURL(/erased=E1/);
    expect(await page.textContent('.flash')).toContain('Erasure E1 done');
    await shot('erasure-done');

    const again = await firebreak.request('POST', '/api/privacy/erasure', { json: { email: SUBJECT.email, name: SUBJECT.name } });
    expect(((await again.json()) as { total: number }).total).toBe(0);
  });
});
