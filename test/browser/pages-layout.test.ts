import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addNote, assignRole, declareIncident, getIncident } from '../../incidents/index.ts';
import { systemContext } from '../../platform/index.ts';
import type { RunningServer } from '../../server.ts';
import { listen } from '../../server.ts';
import { createTestFirebreak, type TestFirebreak } from '../harness/app.ts';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../harness/chromium.ts';
import { createDashboardUser, logIn } from '../harness/dashboard-session.ts';
import { databaseBackends } from '../harness/database.ts';
import { freePort } from '../harness/free-port.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots');

interface Overlap {
  a: string;
  b: string;
}

// Runs in the page (a string: this project's TypeScript has no DOM types).
const MEASURE_LAYOUT = `(() => {
    const boxes = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let node = walker.nextNode();
    let index = 0;
    while (node) {
      const text = (node.textContent || '').trim();
      const parent = node.parentElement;
      // Text in a closed <details> (but its summary) is not shown, though Chromium still lays it out.
      const closed = parent && parent.closest('details:not([open])');
      const hidden = closed && !(parent.closest('summary') && parent.closest('summary').parentElement === closed);
      if (text && parent && !hidden && parent.checkVisibility() && !parent.closest('script, style, option, .visually-hidden, .skip')) {
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const rect of Array.from(range.getClientRects())) {
          if (rect.width > 1 && rect.height > 1)
            boxes.push({ left: rect.left, top: rect.top, right: rect.right, bottom: rect.bottom, node: index, text: text.slice(0, 40) });
        }
      }
      index += 1;
      node = walker.nextNode();
    }
    const overlaps = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        if (a.node === b.node) continue;
        const width = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const height = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (width > 1 && height > 1) overlaps.push({ a: a.text, b: b.text });
      }
    }
    return { overlaps, boxes: boxes.length, scrollWidth: document.documentElement.scrollWidth, width: document.documentElement.clientWidth };
  })()`;

// A stacked table cell's label is drawn by CSS (td::before, from data-label): no text node, so the
// overlap measure above cannot see it. This finds labels taller than their cell, which run into the next.
const OVERFLOWING_LABELS = `(() => Array.from(document.querySelectorAll('table.responsive td[data-label]'))
    .filter((cell) => cell.checkVisibility())
    .filter((cell) => {
      const label = getComputedStyle(cell, '::before');
      return label.display !== 'none' && parseFloat(label.height) + parseFloat(getComputedStyle(cell).paddingTop) > cell.clientHeight + 1;
    })
    .map((cell) => cell.getAttribute('data-label')))()`;

/**
 * Every pair of visible text boxes (each line of each text node, from Range.getClientRects) that
 * overlap by more than a pixel each way, and whether the page scrolls sideways.
 */
function measureLayout(page: Page): Promise<{ overlaps: Overlap[]; boxes: number; scrollWidth: number; width: number }> {
  return page.evaluate(MEASURE_LAYOUT);
}

describe.each(databaseBackends)('the list and incident pages at phone and desktop widths on %s', (backend) => {
  let firebreak: TestFirebreak;
  let running: RunningServer;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  let userDataDir: string;
  let reference: string;

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    firebreak = await createTestFirebreak(backend, { PORT: String(port), HOST: '127.0.0.1' });
    running = await listen(firebreak);
    const ctx = systemContext(firebreak.database.db, firebreak.config);

    const ingest = await firebreak.tokenFor('ingest');
    const startsAt = new Date(Date.now() - 40 * 60_000).toISOString();
    const alerts = Array.from({ length: 6 }, (_, index) => ({
      labels: { alertname: 'HighErrorRate', service: 'checkout-api', instance: `api-${index + 1}:9100`, severity: 'critical' },
      annotations: { summary: `5xx above 5% on api-${index + 1}:9100 for 5 minutes` },
      startsAt,
    }));
    const sent = await firebreak.request('POST', '/api/v2/alerts', { token: ingest, json: alerts });
    const { incidentsOpened } = (await sent.json()) as { incidentsOpened: string[] };
    const incident = await getIncident(firebreak.database.db, incidentsOpened[0] ?? '');
    reference = `INC-${incident.number}`;
    await firebreak.request('POST', '/api/v2/alerts', {
      token: ingest,
      json: [{ ...alerts[2], endsAt: new Date(Date.now() - 60_000).toISOString() }],
    });
    await assignRole(ctx, reference, { role: 'commander', name: 'Casey Commander' });
    await addNote(ctx, reference, {
      text: 'Payments team is rolling back release 4.2.1; error rate falling on two of six instances.',
      source: 'api',
    });
    await declareIncident(ctx, {
      title: 'Login errors for customers with very long e-mail addresses in the EU region',
      severity: 'sev2',
      services: ['identity-provider', 'session-store'],
      labels: { team: 'identity' },
    });
    await declareIncident(ctx, { title: 'Slow search', severity: 'sev4', services: ['search'] });

    // The admin and access pages get something to show: a heartbeat and an inhibit rule.
    const heartbeat = { name: 'prometheus-eu-west-1', matchers: 'alertname="Watchdog"', source: 'prometheus', interval: '1m', grace: 30 };
    expect((await firebreak.request('POST', '/api/heartbeats', { json: heartbeat })).status).toBe(201);
    const rule = {
      source_matchers: ['alertname="ClusterDown"'],
      target_matchers: ['severity=~"warning|info"'],
      equal: ['cluster'],
      comment: 'a cluster that is down mutes the warnings of everything running on it',
    };
    expect((await firebreak.request('POST', '/api/inhibit-rules', { json: rule })).status).toBe(201);

    const user = await createDashboardUser(firebreak, 'admin', 'ana@example.com');
    const { browser } = await logIn(firebreak, user);
    userDataDir = await mkdtemp(path.join(tmpdir(), 'firebreak-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_EXECUTABLE,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
    });
    await context.addCookies([...browser.jar.cookies].map(([name, value]) => ({ name, value, url: base })));
    page = context.pages()[0] ?? (await context.newPage());
  });

  afterAll(async () => {
    await context?.close();
    await running?.shutdown();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  const visit = async (route: string, width: number, name: string) => {
    await page.setViewportSize({ width, height: width < 500 ? 844 : 900 });
    await page.goto(`${base}${route}`);
    expect(new URL(page.url()).pathname).toBe(route.split('?')[0]);
    await page.screenshot({ path: path.join(SCREENSHOTS, `${backend}-layout-${name}-${width}.png`), fullPage: true });
    return measureLayout(page);
  };

  it('lays the incident list out without overlapping text, at 1280, 390 and 360 px', { timeout: 120_000 }, async () => {
    for (const width of [1280, 390, 360]) {
      const layout = await visit('/incidents', width, 'list');
      expect(layout.boxes).toBeGreaterThan(40);
      expect(layout.overlaps).toEqual([]);
      expect(layout.scrollWidth).toBeLessThanOrEqual(layout.width);
    }
    // At phone width the cells name their column, beside the value and not over it.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.locator('#incident-rows .cell-label', { hasText: 'Acknowledged' }).first().isVisible()).toBe(true);
  });

  it('lays the incident page out without overlapping text, its storm one line', { timeout: 120_000 }, async () => {
    for (const width of [1280, 390]) {
      const layout = await visit(`/incidents/${reference}`, width, 'incident');
      expect(layout.boxes).toBeGreaterThan(60);
      expect(layout.overlaps).toEqual([]);
      expect(layout.scrollWidth).toBeLessThanOrEqual(layout.width);
    }
    await expect.poll(() => page.textContent('#timeline')).toMatch(/[56] alerts joined/);
    await page.screenshot({ path: path.join(SCREENSHOTS, `${backend}-layout-incident-storm-390.png`), fullPage: true });
    expect(await page.textContent('#told')).toContain('Who is being told');
    expect(await page.textContent('#nobody-told')).toContain('Nobody is being paged or told');
  });

  it('shows the alerts, silences and first-run pages without overlapping text at 390 px', { timeout: 120_000 }, async () => {
    for (const route of ['/alerts?status=all', '/silences']) {
      const layout = await visit(route, 390, route.slice(1).split('?')[0] ?? 'page');
      expect(layout.overlaps).toEqual([]);
      expect(layout.scrollWidth).toBeLessThanOrEqual(layout.width);
    }
  });

  it('shows the admin, access, heartbeat and inhibition pages without overlapping text at 390 px', { timeout: 120_000 }, async () => {
    const problems: { route: string; overlaps: Overlap[]; labels: string[]; sideways: number | false }[] = [];
    for (const route of [
      '/heartbeats',
      '/inhibit-rules',
      '/admin/identity-providers',
      '/admin/users',
      '/admin/tokens',
      '/admin/elevations',
      '/admin/access-review',
      '/admin/audit',
      '/admin/outbox',
      '/admin/export',
      '/admin/privacy',
      '/admin/backups',
      '/account',
      '/account/elevations',
    ]) {
      const layout = await visit(route, 390, route.slice(1).replaceAll('/', '-'));
      const labels: string[] = await page.evaluate(OVERFLOWING_LABELS);
      problems.push({ route, overlaps: layout.overlaps, labels, sideways: layout.scrollWidth > layout.width ? layout.scrollWidth : false });
    }
    expect(problems.filter((page) => page.overlaps.length > 0 || page.labels.length > 0 || page.sideways)).toEqual([]);
  });
});
