import path from 'node:path';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server.ts';
import { listen } from '../../server.ts';
import type { TestFirebreak } from '../../test/harness/app.ts';
import { createTestFirebreak } from '../../test/harness/app.ts';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../../test/harness/chromium.ts';
import { databaseBackends } from '../../test/harness/database.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots');

async function ok<T>(response: Response): Promise<T> {
  const body = (await response.json()) as T;
  if (!response.ok) throw new Error(`${response.status}: ${JSON.stringify(body)}`);
  return body;
}

describe.each(databaseBackends)('the public notice page on a phone, on %s', (backend) => {
  let firebreak: TestFirebreak;
  let running: RunningServer;
  let browser: Browser;
  let noticePath: string;

  beforeAll(async () => {
    firebreak = await createTestFirebreak(backend, { PORT: '0', BREACH_ORGANIZATION_NAME: 'Acme Cloud' });
    running = await listen(firebreak);
    browser = await chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, args: CHROMIUM_ARGS });

    const incident = await ok<{ reference: string }>(
      await firebreak.request('POST', '/api/incidents', { json: { title: 'Bucket exposure', severity: 'sev1' } }),
    );
    await ok(
      await firebreak.request('POST', `/api/incidents/${incident.reference}/breach/facts`, {
        json: {
          anchors: {
            identifiedAt: new Date(Date.now() - 3_600_000).toISOString(),
            awareAt: new Date(Date.now() - 3_600_000).toISOString(),
          },
          facts: {
            natureOfBreach:
              'A storage bucket holding a copy of our customer directory could be read without a password between 02:00 and 08:00 UTC. A very-long-unbroken-identifier-like-this-one-should-wrap-rather-than-push-the-page-sideways-0123456789.',
            dataCategories: ['names', 'work e-mail addresses'],
            measuresTaken: 'We closed access, rotated keys and reviewed every access log.',
            likelyConsequences: 'Phishing e-mails using your name are possible.',
            contactPoint: 'security@acme.example',
          },
        },
      }),
    );
    const applied = await ok<{ obligations: { id: string }[] }>(
      await firebreak.request('POST', `/api/incidents/${incident.reference}/breach/regimes`, { json: { regimeId: 'contract-24h' } }),
    );
    const drafter = await firebreak.tokenFor('commander');
    const approver = await firebreak.tokenFor('commander');
    const draft = await ok<{ id: string; recipients: { publicUrl: string }[] }>(
      await firebreak.request('POST', `/api/incidents/${incident.reference}/breach/notices`, {
        token: drafter,
        json: { obligationId: applied.obligations[0]?.id, recipients: [{ name: 'Globex Corporation' }] },
      }),
    );
    await ok(await firebreak.request('POST', `/api/breach/notices/${draft.id}/approve`, { token: approver, json: {} }));
    await ok(await firebreak.request('POST', `/api/breach/notices/${draft.id}/send`, { token: drafter, json: {} }));
    noticePath = new URL(draft.recipients[0]?.publicUrl ?? '').pathname;
  });

  afterAll(async () => {
    await browser?.close();
    await running?.shutdown();
  });

  it('reads well on a phone: no sideways scrolling, legible text, every section there', async () => {
    const context = await browser.newContext({
      viewport: { width: 360, height: 740 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      javaScriptEnabled: false,
    });
    try {
      const page = await context.newPage();
      const response = await page.goto(`http://127.0.0.1:${running.port}${noticePath}`);
      expect(response?.status()).toBe(200);
      await page.screenshot({ path: path.join(SCREENSHOTS, `${backend}-public-notice-phone.png`), fullPage: true });
      expect(await page.title()).toBe('Security incident notification from Acme Cloud');
      // A string, evaluated in the page: this project's TypeScript has no DOM types.
      const layout = await page.evaluate<{ scrollWidth: number; clientWidth: number; fontSize: number; headings: string[] }>(`({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
        fontSize: Number.parseFloat(getComputedStyle(document.body).fontSize),
        headings: [...document.querySelectorAll('h2')].map((heading) => heading.textContent),
      })`);
      expect(layout.scrollWidth).toBeLessThanOrEqual(layout.clientWidth);
      expect(layout.fontSize).toBeGreaterThanOrEqual(16);
      expect(layout.headings).toEqual([
        'What happened',
        'What information was involved',
        'What we are doing',
        'What you can do',
        'Other important information',
        'For more information',
      ]);
      expect(await page.textContent('body')).toContain('Dear Globex Corporation,');
      // The stylesheet arrives as written (once it was HTML-escaped, and its font rule broke): the
      // letterhead names the organisation on a tinted band, and headings take the accent colour.
      const styled = await page.evaluate<{ letterhead: string; band: string; heading: string }>(`({
        letterhead: document.querySelector('header.letterhead')?.textContent ?? '',
        band: getComputedStyle(document.querySelector('header.letterhead')).backgroundColor,
        heading: getComputedStyle(document.querySelector('h2')).color,
      })`);
      expect(styled.letterhead).toBe('Acme Cloud');
      expect(styled.band).not.toBe('rgba(0, 0, 0, 0)');
      expect(styled.heading).not.toBe(await page.evaluate<string>('getComputedStyle(document.body).color'));
      const html = await (await fetch(`http://127.0.0.1:${running.port}${noticePath}`)).text();
      expect(html).toContain('"Segoe UI"');
      expect(html).not.toContain('&quot;Segoe');
      expect(html).toContain('@media print');
    } finally {
      await context.close();
    }
  });
});
