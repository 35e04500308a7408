import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { expect } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../harness/chromium.ts';
import { it } from '../harness/fixtures.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots');

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

interface OpenApiDocument {
  paths: Record<string, Record<string, { tags?: string[] } | undefined>>;
}

/** What the reference must show, from the document: its tags, and "tag METHOD path" once per tag of an operation. */
function documentedOperations(document: OpenApiDocument): { tags: string[]; operations: string[] } {
  const tags = new Set<string>();
  const operations: string[] = [];
  for (const [route, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      for (const tag of operation.tags?.length ? operation.tags : ['default']) {
        tags.add(tag);
        operations.push(`${tag} ${method.toUpperCase()} ${route}`);
      }
    }
  }
  return { tags: [...tags], operations };
}

/** What the page shows: "tag METHOD path" for every operation block in it. */
function renderedOperations(page: Page): Promise<string[]> {
  return page.locator('.opblock-tag-section').evaluateAll((sections) =>
    sections.flatMap((section) => {
      const tag = section.querySelector('.opblock-tag')?.getAttribute('data-tag') ?? '?';
      return Array.from(section.querySelectorAll('.opblock')).map((block) => {
        const method = block.querySelector('.opblock-summary-method')?.textContent ?? '?';
        const route = block.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? '?';
        return `${tag} ${method} ${route}`;
      });
    }),
  );
}

it('serves a readable API reference at /api/docs with every tag and operation, from Firebreak alone, at 1280 px and 390 px', async ({
  server,
}) => {
  await mkdir(SCREENSHOTS, { recursive: true });
  const base = `http://127.0.0.1:${server.port}`;
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'firebreak-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_EXECUTABLE,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  const elsewhere: string[] = [];
  try {
    // Every request the page makes is seen here; any that would leave loopback is refused and remembered.
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.protocol === 'data:' || url.hostname === '127.0.0.1') return route.continue();
      elsewhere.push(url.href);
      return route.abort();
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`${message.text()} ${message.location().url}`);
    });
    const response = await page.goto(`${base}/api/docs`);
    expect(response?.status()).toBe(200);
    await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
    // Every operation of the document is in the page at once, under each of its tags, without scrolling
    // (Swagger UI's list virtualization once left all but the first two tags out of the page).
    const expected = documentedOperations(await (await fetch(`${base}/openapi.json`)).json());
    expect(expected.operations.length).toBeGreaterThan(100);
    await expect.poll(() => page.locator('.opblock').count(), { timeout: 30_000 }).toBe(expected.operations.length);
    expect(
      (await page.locator('.opblock-tag').evaluateAll((headings) => headings.map((heading) => heading.getAttribute('data-tag')))).sort(),
    ).toEqual([...expected.tags].sort());
    expect((await renderedOperations(page)).sort()).toEqual([...expected.operations].sort());
    await expect.poll(() => page.locator('.opblock-summary-description', { hasText: 'Declare an incident' }).count()).toBe(1);
    await expect.poll(() => page.locator('h1, h2').allTextContents()).toContain('Firebreak API reference');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'api-docs-1280.png') });

    // An operation opens to its request body, its answers and the one error shape.
    await page.locator('.opblock-summary', { hasText: 'Declare an incident' }).click();
    const operation = page.locator('.opblock.is-open');
    await operation.locator('.responses-table').first().waitFor();
    await expect
      .poll(() => operation.locator('.response-col_status').allTextContents())
      .toEqual(expect.arrayContaining(['201', '400', '401']));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'api-docs-operation-1280.png') });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/api/docs`);
    await expect.poll(() => page.locator('.opblock').count(), { timeout: 30_000 }).toBe(expected.operations.length);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'api-docs-390.png') });
    expect(
      await page.evaluate(
        () => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth,
      ),
    ).toBeLessThanOrEqual(390);
    expect(elsewhere).toEqual([]);
    expect(consoleErrors).toEqual([]);
  } finally {
    await context.close();
    await rm(userDataDir, { recursive: true, force: true });
  }
}, 120_000);
