import { test as base, describe } from 'vitest';
import type { DatabaseHandle } from '../../platform/index.ts';
import type { RunningServer } from '../../server.ts';
import { listen } from '../../server.ts';
import { FakeSmtpServer } from '../fakes/smtp-server.ts';
import type { TestFirebreak } from './app.ts';
import { createTestFirebreak } from './app.ts';
import type { Backend } from './database.ts';
import { databaseBackends, openTestDatabase } from './database.ts';
import type { NotifierWorld } from './notifier.ts';
import { createNotifierWorld } from './notifier.ts';

/** A test's Firebreak listening on a free loopback port, with its background work running. */
export interface TestServer extends RunningServer {
  firebreak: TestFirebreak;
}

export interface DatabaseFixtures {
  /** The backend the suite runs on; set by describeOnBackends. */
  backend: Backend;
  /** A fresh, migrated database of this test's own, dropped after it. */
  database: DatabaseHandle;
  /** Environment for the `firebreak`, `server` and `world` fixtures; override it per suite with test.override({ firebreakEnv }). */
  firebreakEnv: Record<string, string>;
  /** The whole service on a fresh database of this test's own, closed after it. */
  firebreak: TestFirebreak;
  /** A service of its own (not `firebreak`) listening on a free port (PORT=0), shut down after the test. */
  server: TestServer;
  /**
   * A fake SMTP server (test/fakes) of this test's own; point the service at it with
   * test.override('firebreakEnv', ({ smtp }) => ({ SMTP_URL: smtp.url })), and it stops after the service.
   */
  smtp: FakeSmtpServer;
  /** The whole service with Slack, PagerDuty and SMTP pointed at fakes of this test's own (firebreakEnv applies), closed after it. */
  world: NotifierWorld;
}

/**
 * `test` with a fresh database (`database`), a whole service (`firebreak`, or `server` listening on a
 * port), or one with its outside services faked (`world`, `smtp`) per test, made only when the
 * test asks for it. Inside describeOnBackends they are on that suite's backend.
 */
export const test = base.extend<DatabaseFixtures>({
  backend: 'pglite',
  database: async ({ backend }, use) => {
    const database = await openTestDatabase(backend);
    await use(database);
    await database.close();
  },
  firebreakEnv: {},
  firebreak: async ({ backend, firebreakEnv }, use) => {
    const firebreak = await createTestFirebreak(backend, firebreakEnv);
    await use(firebreak);
    await firebreak.close();
  },
  server: async ({ backend, firebreakEnv }, use) => {
    const firebreak = await createTestFirebreak(backend, { PORT: '0', ...firebreakEnv });
    const running = await listen(firebreak);
    await use({ ...running, firebreak });
    await running.shutdown();
  },
  // vitest reads a fixture's dependencies from its first parameter, which must be a destructuring pattern.
  // eslint-disable-next-line no-empty-pattern
  smtp: async ({}, use) => {
    const smtp = new FakeSmtpServer();
    await smtp.start();
    await use(smtp);
    await smtp.stop();
  },
  world: async ({ backend, firebreakEnv }, use) => {
    const world = await createNotifierWorld(backend, firebreakEnv);
    await use(world);
    await world.close();
  },
});
export const it = test;

/** The suite once per database backend: PGlite always, and the Postgres at TEST_DATABASE_URL when set. */
export function describeOnBackends(name: string, body: (backend: Backend) => void): void {
  describe.each(databaseBackends)(`${name} on %s`, (backend) => {
    test.override({ backend });
    body(backend);
  });
}
