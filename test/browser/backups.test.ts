import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardBrowser } from '../harness/dashboard-browser.ts';
import { logInWithEnrolment, openDashboardBrowser } from '../harness/dashboard-browser.ts';
import { createDashboardUser } from '../harness/dashboard-session.ts';
import { databaseBackends } from '../harness/database.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots/backups');

describe.each(databaseBackends)('backups admin page in Chromium on %s', (backend) => {
  let browser: DashboardBrowser;

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    browser = await openDashboardBrowser(backend, { BACKUP_INTERVAL_MINUTES: '60' });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('downloads a backup made now, and lists it as verified', async () => {
    const { page, base, firebreak } = browser;
    const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${backend}-${name}.png`), fullPage: true });
    const admin = await createDashboardUser(firebreak, 'admin', 'ops@example.com');
    await logInWithEnrolment(page, base, admin);

    await page.goto(`${base}/admin`);
    await page.click('a[href="/admin/backups"]');
    await page.waitForURL(/\/admin\/backups$/);
    expect(await page.textContent('[data-backup-state]')).toMatch(/no backup yet; next due/);
    await shot('1-empty');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button:has-text("Download a backup now")')]);
    expect(download.suggestedFilename()).toMatch(/^firebreak-backup-.*-manual\.gz$/);
    const saved = path.join(SCREENSHOTS, `${backend}-download.gz`);
    await download.saveAs(saved);
    const text = gunzipSync(await readFile(saved)).toString('utf8');
    expect(text.startsWith('#firebreak-backup ')).toBe(true);
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^#manifest /);

    await page.reload();
    const row = page.locator('tr[data-backup]');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.locator('[data-state]').getAttribute('data-state')).toBe('verified');
    expect(await page.textContent('[data-backup-state]')).toMatch(/last good backup/);
    expect(await row.locator('a').textContent()).toBe(download.suggestedFilename());
    await shot('2-listed');
  });
});
