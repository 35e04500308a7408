import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../platform/index.ts';
import type { RunningServer } from '../server.ts';
import { listen } from '../server.ts';
import { FakePagerDutyServer } from './fakes/pagerduty-server.ts';
import { FakeSlackServer } from './fakes/slack-server.ts';
import type { TestCertificate } from './fakes/tls.ts';
import { makeTestCertificate } from './fakes/tls.ts';
import type { TestFirebreak } from './harness/app.ts';
import { createTestFirebreak } from './harness/app.ts';
import { databaseBackends } from './harness/database.ts';
import { TEST_ROUTING_KEY, TEST_SIGNING_SECRET } from './harness/notifier.ts';
import type { MetricsTarget, RunningBinary } from './harness/prometheus-stack.ts';
import { eventually, startBinary, startMetricsTarget } from './harness/prometheus-stack.ts';

// The rule fires for 3 s of every 6 s, until e2e_steady holds it firing; Prometheus evaluates every second.
// A flap window of 10 s with a threshold of 2: flapping after its third change, one message per 10 s.
const WINDOW_SECONDS = 10;
const RULES = `
groups:
  - name: flap
    interval: 1s
    rules:
      - alert: Wobbly
        expr: vector(1) and on() ((vector(time() % 6) < 3) or on() (e2e_steady > 0))
        labels:
          severity: critical
          service: checkout
`;

describe.each(databaseBackends)('a flapping Prometheus rule on %s', (backend) => {
  let certificate: TestCertificate;
  let slack: FakeSlackServer;
  let pagerduty: FakePagerDutyServer;
  let firebreak: TestFirebreak;
  let running: RunningServer;
  let target: MetricsTarget;
  let prometheus: RunningBinary | undefined;

  beforeAll(async () => {
    certificate = await makeTestCertificate();
    slack = new FakeSlackServer();
    pagerduty = new FakePagerDutyServer(certificate);
    await Promise.all([slack.start(), pagerduty.start()]);
    firebreak = await createTestFirebreak(backend, {
      PORT: '0',
      SCHEDULER_ENABLED: 'true',
      SLACK_BOT_TOKEN: slack.token,
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_API_URL: slack.url,
      PAGERDUTY_ROUTING_KEY: TEST_ROUTING_KEY,
      PAGERDUTY_SERVER: pagerduty.address,
      PAGERDUTY_CA_FILE: certificate.certFile,
      NOTIFIER_TIMEOUT_MS: '1000',
      ALERT_FLAP_THRESHOLD: '2',
      ALERT_FLAP_WINDOW_SECONDS: String(WINDOW_SECONDS),
    });
    running = await listen(firebreak);
    target = await startMetricsTarget();
  });

  afterAll(async () => {
    await prometheus?.stop();
    await target?.close();
    await running?.shutdown();
    await Promise.all([slack?.stop(), pagerduty?.stop()]);
    await certificate?.remove();
  });

  it('posts once per window while it flaps, and once when it settles', { timeout: 90_000 }, async () => {
    target.set('e2e_steady', {}, 0);
    const ingest = await firebreak.tokenFor('ingest');
    prometheus = await startBinary(
      '/usr/bin/prometheus',
      {
        'rules.yml': RULES,
        'prometheus.yml': `
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [rules.yml]
alerting:
  alertmanagers:
    - api_version: v2
      authorization:
        type: Bearer
        credentials: ${ingest}
      static_configs:
        - targets: ['127.0.0.1:${running.port}']
scrape_configs:
  - job_name: app
    static_configs:
      - targets: ['127.0.0.1:${target.port}']
`,
      },
      (directory, port) => [
        `--config.file=${directory}/prometheus.yml`,
        `--storage.tsdb.path=${directory}/data`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--rules.alert.resend-delay=1s',
        '--log.level=warn',
      ],
    );
    const waitFor = <T>(check: () => Promise<T | undefined>, what: string) =>
      eventually(check, 45_000, what).catch((error: Error) => {
        throw new Error(`${error.message}\n${prometheus?.output() ?? ''}`);
      });
    const flappingSince = async () =>
      (
        await queryRows<{ since_ms: number | null }>(
          firebreak.database.db,
          sql`select (extract(epoch from flapping_since) * 1000)::float8 as since_ms from alerts where labels ->> 'alertname' = 'Wobbly'`,
        )
      )[0]?.since_ms ?? undefined;
    const since = await waitFor(flappingSince, 'the alert to be marked flapping');
    // Let it flap for two more windows, then hold it firing.
    await new Promise((resolve) => setTimeout(resolve, 2 * WINDOW_SECONDS * 1000));
    target.set('e2e_steady', {}, 1);
    const steadyAt = Date.now();
    const channel = () => [...slack.channels.values()].find((candidate) => candidate.name.startsWith('inc-1-'));
    const posts = () => (channel()?.messages ?? []).slice(1).map((message) => message.text);
    await waitFor(async () => (posts().some((text) => text.includes('Stopped flapping')) ? true : undefined), 'the settled message');
    const [held] = await queryRows<{ count: number }>(
      firebreak.database.db,
      sql`select count(*)::int as count from timeline_events where data ->> 'text' like '%(flapping: messages held)'`,
    );
    expect(held?.count).toBeGreaterThan(0);
    // At most one line per window while it flapped (one more may straddle the window it started in).
    const windows = Math.ceil((steadyAt - since) / (WINDOW_SECONDS * 1000)) + 1;
    const told = posts().filter((text) => text.includes('(flapping)'));
    expect(told.length).toBeGreaterThan(0);
    expect(told.length).toBeLessThanOrEqual(windows);
    const settled = posts().filter((text) => text.includes('Stopped flapping'));
    expect(settled).toHaveLength(1);
    expect(settled[0]).toContain('settled *firing*');
    // No storm of pages: the changes before it flapped, one per window, and the settled state's trigger.
    const pages = pagerduty.events.length;
    expect(pages).toBeLessThanOrEqual(3 + windows + 1);
    expect(held?.count).toBeGreaterThan(told.length);
  });
});
