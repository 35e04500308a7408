import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate as generateTotp } from 'otplib';
import type { BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import type { RunningServer } from '../../server.ts';
import { listen } from '../../server.ts';
import { createTestFirebreak, type TestFirebreak } from './app.ts';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from './chromium.ts';
import type { Backend } from './database.ts';
import { freePort } from './free-port.ts';

/** A Firebreak listening on a free loopback port and one Chromium page, for a browser test's suite. */
export interface DashboardBrowser {
  firebreak: TestFirebreak;
  base: string;
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Starts the service (PUBLIC_URL pointing at itself, plus `env`) and a headless Chromium with its own profile. */
export async function openDashboardBrowser(backend: Backend, env: Record<string, string> = {}): Promise<DashboardBrowser> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const firebreak = await createTestFirebreak(backend, { PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: base, ...env });
  const running: RunningServer = await listen(firebreak);
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'firebreak-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_EXECUTABLE,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    firebreak,
    base,
    context,
    page,
    async close() {
      await context.close();
      await running.shutdown();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Logs a person in who has never logged in: password, then the TOTP enrolment the dashboard requires;
 * the page ends on /incidents. Answers the TOTP secret, for a later code.
 */
export async function logInWithEnrolment(page: Page, base: string, person: { email: string; password: string }): Promise<string> {
  await page.goto(`${base}/login`);
  await page.fill('#email', person.email);
  await page.fill('#password', person.password);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/login\/enrol/);
  const secret = (await page.textContent('#totp-secret'))?.trim() ?? '';
  await page.fill('#code', await generateTotp({ secret }));
  await page.click('form[action="/login/enrol"] button[type=submit]');
  await page.waitForURL(/\/incidents$/);
  return secret;
}
