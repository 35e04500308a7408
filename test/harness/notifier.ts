import { FakePagerDutyServer } from '../fakes/pagerduty-server.ts';
import { FakeSlackServer } from '../fakes/slack-server.ts';
import { FakeSmtpServer } from '../fakes/smtp-server.ts';
import type { TestCertificate } from '../fakes/tls.ts';
import { makeTestCertificate } from '../fakes/tls.ts';
import type { TestFirebreak } from './app.ts';
import { createTestFirebreak } from './app.ts';
import type { Backend } from './database.ts';

export const TEST_ROUTING_KEY = 'R0UT1NGKEY0000000000000000000001';
export const TEST_SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

export interface NotifierWorld {
  firebreak: TestFirebreak;
  slack: FakeSlackServer;
  pagerduty: FakePagerDutyServer;
  smtp: FakeSmtpServer;
  certificate: TestCertificate;
  close(): Promise<void>;
}

/** Firebreak with Slack, PagerDuty (HTTPS, a certificate made for the test) and SMTP pointed at local fakes. */
export async function createNotifierWorld(backend: Backend, env: Record<string, string> = {}): Promise<NotifierWorld> {
  const certificate = await makeTestCertificate();
  const slack = new FakeSlackServer();
  const pagerduty = new FakePagerDutyServer(certificate);
  const smtp = new FakeSmtpServer();
  await Promise.all([slack.start(), pagerduty.start(), smtp.start()]);
  const firebreak = await createTestFirebreak(backend, {
    SLACK_BOT_TOKEN: slack.token,
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_API_URL: slack.url,
    SLACK_BROADCAST_CHANNEL: '#incidents',
    PAGERDUTY_ROUTING_KEY: TEST_ROUTING_KEY,
    PAGERDUTY_SERVER: pagerduty.address,
    PAGERDUTY_CA_FILE: certificate.certFile,
    SMTP_URL: smtp.url,
    NOTIFIER_TIMEOUT_MS: '1000',
    ...env,
  });
  return {
    firebreak,
    slack,
    pagerduty,
    smtp,
    certificate,
    async close() {
      await firebreak.close();
      await Promise.all([slack.stop(), pagerduty.stop(), smtp.stop()]);
      await certificate.remove();
    },
  };
}
