import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RETENTION_JOB } from '../../platform/index.ts';
import type { DashboardBrowser } from '../harness/dashboard-browser.ts';
import { logInWithEnrolment, openDashboardBrowser } from '../harness/dashboard-browser.ts';
import { createDashboardUser } from '../harness/dashboard-session.ts';
import { databaseBackends } from '../harness/database.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots/audit-retention');
const DAY = 86_400_000;

describe.each(databaseBackends)('the audit page after retention pruned the trail, in Chromium on %s', (backend) => {
  let browser: DashboardBrowser;

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    // The job below runs as if forty days had passed: sessions are kept longer, so the one in use survives it.
    browser = await openDashboardBrowser(backend, { AUDIT_RETENTION_DAYS: '30', SESSION_RETENTION_DAYS: '60' });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('verifies the kept chain from its anchor and says which entries retention deleted', async () => {
    const { firebreak, page, base } = browser;
    const admin = await createDashboardUser(firebreak, 'admin', 'auditor@example.com');
    await logInWithEnrolment(page, base, admin);
    await page.goto(`${base}/admin/audit`);

    // Forty days on, every entry so far is past AUDIT_RETENTION_DAYS (30): the job cuts them.
    expect(await firebreak.scheduler.runJob(RETENTION_JOB, new Date(Date.now() + 40 * DAY))).toBe(true);

    await page.getByRole('button', { name: 'Verify the chain' }).click();
    await page.waitForSelector('#verify-result');
    expect(new URL(page.url()).searchParams.get('verify')).toBe('1');
    const result = (await page.textContent('#verify-result')) ?? '';
    expect(result).toMatch(/Intact: all \d+ entries verified, from entry \d+: entries 1 to \d+ were deleted by retention/);
    // The trail records the cut itself.
    expect(await page.textContent('main')).toContain('audit.trail.prune');
    await page.screenshot({ path: path.join(SCREENSHOTS, `${backend}-audit-after-prune.png`), fullPage: true });
  });
});
