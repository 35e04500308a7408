import { expect } from 'vitest';
import { declareIncident } from '../incidents/index.ts';
import { systemContext } from '../platform/index.ts';
import type { TestFirebreak } from '../test/harness/app.ts';
import { createTestFirebreak } from '../test/harness/app.ts';
import { describeOnBackends, it } from '../test/harness/fixtures.ts';

async function scrape(firebreak: TestFirebreak): Promise<string> {
  const response = await firebreak.request('GET', '/metrics');
  expect(response.status).toBe(200);
  return response.text();
}

describeOnBackends('the /metrics gauges read from the database', () => {
  it('of the service scraped, when two services share one process', async ({ firebreak, backend }) => {
    // Made second, as a second app in a test process is: before, every scrape read the last one's database.
    const other = await createTestFirebreak(backend);
    try {
      await declareIncident(systemContext(firebreak.database.db, firebreak.config), { title: 'Payments down', severity: 'sev1' });
      const incident = await declareIncident(systemContext(other.database.db, other.config), { title: 'Bucket exposed', severity: 'sev3' });
      const identifiedAt = new Date(Date.now() - 23 * 3_600_000).toISOString();
      const facts = await other.request('POST', `/api/incidents/INC-${incident.number}/breach/facts`, {
        json: { facts: { personalData: true, natureOfBreach: 'A bucket was public.' }, anchors: { identifiedAt, awareAt: identifiedAt } },
      });
      expect(facts.status).toBe(201);
      // personalData: true applied BREACH_DEFAULT_REGIMES (contract-24h among them) by itself.

      // One after the other, then both at once (the gauges must not be shared between the two scrapes).
      const scrapes = [[await scrape(firebreak), await scrape(other)]];
      for (let round = 0; round < 10; round++) scrapes.push(await Promise.all([scrape(firebreak), scrape(other)]));
      for (const [mine = '', theirs = ''] of scrapes) {
        expect(mine).toContain('firebreak_incidents_open{phase="preparation",severity="sev1"} 1');
        expect(mine).toContain('firebreak_incidents_open{phase="preparation",severity="sev3"} 0');
        expect(mine).toContain('firebreak_breach_deadlines_open{due="due_within_6h"} 0');

        expect(theirs).toContain('firebreak_incidents_open{phase="preparation",severity="sev1"} 0');
        expect(theirs).toContain('firebreak_incidents_open{phase="preparation",severity="sev3"} 1');
        expect(theirs).toContain('firebreak_breach_deadlines_open{due="due_within_6h"} 1');
      }
    } finally {
      await other.close();
    }
  });
});
