import { describe } from 'vitest';
import { FakeSmtpServer } from '../fakes/smtp-server.ts';
import { databaseBackends } from './database.ts';
import type { Backend } from './database.ts';
import { test as base } from './fixtures.ts';
import { createNotifierWorld } from './notifier.ts';
import type { NotifierWorld } from './notifier.ts';

export interface NotifierFixtures {
  /** Environment for the `world` fixture on top of the fakes' addresses; override it per suite with test.override({ worldEnv }). */
  worldEnv: Record<string, string>;
  /** Firebreak with Slack, PagerDuty and SMTP pointed at fakes of this test's own, closed after it. */
  world: NotifierWorld;
  /** A fake SMTP server of this test's own (for the `firebreak` fixture, through firebreakEnv), stopped after it. */
  smtp: FakeSmtpServer;
}

/** fixtures.ts's `test`, with a notifier world or a fake SMTP server per test, made only when the test asks for it. */
export const test = base.extend<NotifierFixtures>({
  worldEnv: {},
  world: async ({ backend, worldEnv }, use) => {
    const world = await createNotifierWorld(backend, worldEnv);
    await use(world);
    await world.close();
  },
  // vitest reads what a fixture depends on from this pattern: nothing.
  // eslint-disable-next-line no-empty-pattern
  smtp: async ({}, use) => {
    const smtp = new FakeSmtpServer();
    await smtp.start();
    await use(smtp);
    await smtp.stop();
  },
});
export const it = test;

/** describeOnBackends for suites written with this `test` (an override reaches only the test it is made on). */
export function describeOnBackends(name: string, body: (backend: Backend) => void): void {
  describe.each(databaseBackends)(`${name} on %s`, (backend) => {
    test.override({ backend });
    body(backend);
  });
}
