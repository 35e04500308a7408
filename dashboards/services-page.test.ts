import { expect } from 'vitest';
import { createDashboardUser, logIn } from '../test/harness/dashboard-session.ts';
import { describeOnBackends, it } from '../test/harness/fixtures.ts';
import { serverSpansJson as spans } from '../test/harness/otlp-spans.ts';

describeOnBackends('the service-health page', () => {
  it.override({ firebreakEnv: { TRACE_UI_URL_TEMPLATE: 'http://jaeger:16686/trace/{traceId}' } });

  it('draws rate, errors and latency over time per service and operation, with SLO burn, and links error spans to the tracing UI', {
    timeout: 120_000,
  }, async ({ firebreak }) => {
    const ingest = await firebreak.tokenFor('ingest');
    const now = Date.now();
    for (const [minutesAgo, errors] of [
      [40, 0],
      [20, 3],
      [2, 1],
    ] as const) {
      const sent = await firebreak.request('POST', '/v1/traces', {
        token: ingest,
        json: spans('search', [20, 40, 80, 900], errors, now - minutesAgo * 60_000),
      });
      expect(sent.status).toBe(200);
    }
    await firebreak.scheduler.runJob('slo-evaluation', new Date());
    expect(
      (
        await firebreak.request('PUT', '/api/slos', {
          json: { service: 'search', name: 'availability', indicator: 'availability', objective: 0.999 },
        })
      ).status,
    ).toBe(201);
    const declared = await firebreak.request('POST', '/api/incidents', {
      json: { title: 'Search errors', severity: 'sev3', services: ['search'], startedAt: new Date(now - 30 * 60_000).toISOString() },
    });
    const { number } = (await declared.json()) as { number: number };

    const user = await createDashboardUser(firebreak, 'viewer');
    const { browser } = await logIn(firebreak, user);
    const page = await (await browser.get('/services?minutes=60')).text();
    expect(page).toContain('id="service-search"');
    expect(page).toContain('href="/services"');
    // Three charts for the service and three for its one operation, each an inline SVG with a readable summary.
    expect([...page.matchAll(/<svg viewBox="0 0 160 36"/g)]).toHaveLength(6);
    expect(page).toMatch(/aria-label="Errors: now 25.0%; peak 75.0%"/);
    expect(page).toMatch(/aria-label="Latency: p50 [\d.]+ ms, p99 [\d.]+ s?m?s?; peak/);
    expect(page).toMatch(/<path d="M[\d.]+ [\d.]+ L?/);
    expect(page).toContain('availability: 99.9% available');
    expect(page).toContain('GET /search');
    expect(page).not.toMatch(/<script src="http/);

    const incident = await (await browser.get(`/incidents/INC-${number}`)).text();
    expect(incident).toMatch(/<a href="http:\/\/jaeger:16686\/trace\/a+[0-9a-f]+" rel="noopener" data-trace-link="true"><code>/);
    expect((await browser.get('/services?minutes=7')).status).toBe(200);
  });
});
