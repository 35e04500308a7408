import { describe, expect, it } from 'vitest';
import { declareIncident } from '../../incidents/index.ts';
import { systemContext } from '../../platform/index.ts';
import { listen } from '../../server.ts';
import { createTestFirebreak } from '../../test/harness/app.ts';
import { createDashboardUser, logIn } from '../../test/harness/dashboard-session.ts';
import { databaseBackends } from '../../test/harness/database.ts';

describe.each(databaseBackends)('live streams at shutdown on %s', (backend) => {
  it('end on SIGTERM, so that the server drains without waiting for them', async () => {
    const firebreak = await createTestFirebreak(backend, { PORT: '0', SHUTDOWN_TIMEOUT_MS: '20000' });
    const running = await listen(firebreak);
    // Stands in for runServer's own handler (which shuts the server down); the test calls shutdown itself.
    const serverHandler = () => undefined;
    process.on('SIGTERM', serverHandler);
    try {
      const incident = await declareIncident(systemContext(firebreak.database.db, firebreak.config), { title: 'Long', severity: 'sev3' });
      const user = await createDashboardUser(firebreak, 'viewer');
      const { browser } = await logIn(firebreak, user);
      const response = await fetch(`http://127.0.0.1:${running.port}/incidents/INC-${incident.number}/live`, {
        headers: { cookie: browser.jar.header() },
      });
      const reader = response.body?.getReader();
      if (!reader) throw new Error('no stream');
      const first = await reader.read();
      expect(new TextDecoder().decode(first.value)).toContain('event: ready');

      process.emit('SIGTERM', 'SIGTERM');
      const started = performance.now();
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) break;
      }
      await running.shutdown();
      expect(performance.now() - started).toBeLessThan(10_000);
    } finally {
      process.off('SIGTERM', serverHandler);
    }
  });
});
