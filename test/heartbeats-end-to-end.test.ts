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

// Short intervals keep it to seconds: Prometheus evaluates and re-sends every second (an API v2 alert's
// endsAt is then 4 s ahead), Alertmanager re-sends the Watchdog every 2 s, heartbeats allow 2 + 3 s.
const INTERVAL_SECONDS = 2;
const GRACE_SECONDS = 3;

const RULES = `
groups:
  - name: e2e
    interval: 1s
    rules:
      - alert: Watchdog
        expr: vector(1)
        labels:
          severity: none
      - alert: CheckoutErrors
        expr: e2e_errors > 0
        labels:
          severity: critical
          service: checkout
        annotations:
          summary: "errors on {{ $labels.path }}"
`;

describe.each(databaseBackends)('heartbeats and expiry with Prometheus and Alertmanager on %s', (backend) => {
  let certificate: TestCertificate;
  let slack: FakeSlackServer;
  let pagerduty: FakePagerDutyServer;
  let firebreak: TestFirebreak;
  let running: RunningServer;
  let target: MetricsTarget;
  const binaries = new Set<RunningBinary>();

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
    });
    running = await listen(firebreak);
    target = await startMetricsTarget();
  });

  afterAll(async () => {
    await Promise.all([...binaries].map((binary) => binary.stop()));
    await target?.close();
    await running?.shutdown();
    await Promise.all([slack?.stop(), pagerduty?.stop()]);
    await certificate?.remove();
  });

  const incidents = () =>
    queryRows<{ id: string; title: string; resolved: boolean; detected_ms: number }>(
      firebreak.database.db,
      sql`select id, title, resolved_at is not null as resolved, (extract(epoch from detected_at) * 1000)::float8 as detected_ms
          from incidents order by number`,
    );
  const openSilent = async (name: string) =>
    (await incidents()).find((incident) => incident.title === `alerting pipeline silent: ${name}` && !incident.resolved);
  const heartbeat = async (name: string) =>
    (
      await queryRows<{ last_heard_ms: number | null; incident_id: string | null }>(
        firebreak.database.db,
        sql`select (extract(epoch from last_heard_at) * 1000)::float8 as last_heard_ms, incident_id from heartbeats where name = ${name}`,
      )
    )[0];

  it('Alertmanager stopped: "pipeline silent" opens within interval plus grace and resolves when it is back; Prometheus stopped: alerts expire, no resolve is paged', {
    timeout: 180_000,
  }, async () => {
    const admin = firebreak.adminToken;
    const ingest = await firebreak.tokenFor('ingest');
    // Added first, so that no Watchdog is ever taken for an alert; a slow start may count as a silence, healed when heard.
    for (const source of ['alertmanager', 'prometheus'])
      expect(
        (
          await firebreak.request('POST', '/api/heartbeats', {
            token: admin,
            json: { name: source, matchers: 'alertname="Watchdog"', source, interval: INTERVAL_SECONDS, grace: GRACE_SECONDS },
          })
        ).status,
      ).toBe(201);
    target.set('e2e_errors', { path: '/pay' }, 3);
    target.set('e2e_errors', { path: '/cart' }, 1);

    // Alertmanager sends only the Watchdog on (the webhook path); CheckoutErrors reaches Firebreak by API v2.
    const alertmanagerFiles = {
      'alertmanager.yml': `
route:
  receiver: nobody
  routes:
    - matchers: ['alertname="Watchdog"']
      receiver: firebreak
      group_wait: 0s
      group_interval: 1s
      repeat_interval: ${INTERVAL_SECONDS}s
receivers:
  - name: nobody
  - name: firebreak
    webhook_configs:
      - url: http://127.0.0.1:${running.port}/ingest/alertmanager
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: ${ingest}
`,
    };
    const startAlertmanager = (port?: number) =>
      startBinary(
        '/usr/bin/prometheus-alertmanager',
        alertmanagerFiles,
        (directory, listenPort) => [
          `--config.file=${directory}/alertmanager.yml`,
          `--storage.path=${directory}/data`,
          `--web.listen-address=127.0.0.1:${listenPort}`,
          '--cluster.listen-address=',
          '--log.level=warn',
        ],
        port,
      );
    let alertmanager = await startAlertmanager();
    binaries.add(alertmanager);
    const prometheus = await startBinary(
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
      static_configs:
        - targets: ['127.0.0.1:${alertmanager.port}']
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
    binaries.add(prometheus);
    const logs = () => `${alertmanager.output()}\n${prometheus.output()}`;
    const waitFor = <T>(check: () => Promise<T | undefined>, what: string) =>
      eventually(check, 45_000, what).catch((error: Error) => {
        throw new Error(`${error.message}\n${logs()}`);
      });

    // Both paths heard; the checkout incident open with its two alerts; the Watchdog is no alert.
    await waitFor(async () => ((await heartbeat('alertmanager'))?.last_heard_ms ? true : undefined), 'the webhook heartbeat');
    await waitFor(async () => ((await heartbeat('prometheus'))?.last_heard_ms ? true : undefined), 'the API v2 heartbeat');
    const checkout = await waitFor(async () => {
      const found = (await incidents()).find((incident) => incident.title.startsWith('CheckoutErrors'));
      const firing = found
        ? await queryRows(firebreak.database.db, sql`select 1 from alerts where incident_id = ${found.id} and status = 'firing'`)
        : [];
      return found && firing.length === 2 ? found : undefined;
    }, 'the checkout incident with two firing alerts');
    expect(await queryRows(firebreak.database.db, sql`select 1 from alerts where labels ->> 'alertname' = 'Watchdog'`)).toHaveLength(0);
    await waitFor(
      async () => ((await openSilent('alertmanager')) || (await openSilent('prometheus')) ? undefined : true),
      'both paths heard, no pipeline silent',
    );

    // Alertmanager stops: its path goes silent within interval plus grace (and a tick of the timers).
    await alertmanager.stop();
    binaries.delete(alertmanager);
    const silent = await waitFor(() => openSilent('alertmanager'), 'the silent-pipeline incident');
    const lastHeard = Number((await heartbeat('alertmanager'))?.last_heard_ms);
    // Opened once interval plus grace passed unheard, by the next tick of the timers (every second; a loaded machine may lag).
    expect(silent.detected_ms - lastHeard).toBeGreaterThanOrEqual((INTERVAL_SECONDS + GRACE_SECONDS) * 1000);
    expect(silent.detected_ms - lastHeard).toBeLessThanOrEqual((INTERVAL_SECONDS + GRACE_SECONDS + 4) * 1000);
    expect(await openSilent('prometheus')).toBeUndefined();
    await waitFor(
      async () => (pagerduty.events.some((event) => event.dedup_key === silent.id && event.event_action === 'trigger') ? true : undefined),
      'the page for the silent pipeline',
    );

    // Alertmanager is back where Prometheus expects it: the Watchdog arrives again, the incident resolves.
    alertmanager = await startAlertmanager(alertmanager.port);
    binaries.add(alertmanager);
    await waitFor(
      async () => ((await incidents()).find((incident) => incident.id === silent.id)?.resolved ? true : undefined),
      'the silent-pipeline incident to resolve',
    );
    const silentTimeline = await queryRows<{ type: string }>(
      firebreak.database.db,
      sql`select type from timeline_events where incident_id = ${silent.id} order by id`,
    );
    expect(silentTimeline.map((row) => row.type)).toEqual(['incident.opened', 'heartbeat.missed', 'heartbeat.heard']);

    // Prometheus stops: its alerts are not refreshed; they expire, and the checkout incident stays open.
    await prometheus.stop();
    binaries.delete(prometheus);
    await waitFor(async () => {
      const rows = await queryRows<{ status: string }>(
        firebreak.database.db,
        sql`select status from alerts where incident_id = ${checkout.id}`,
      );
      return rows.length === 2 && rows.every((row) => row.status === 'expired') ? true : undefined;
    }, 'the checkout alerts to expire');
    expect((await incidents()).find((incident) => incident.id === checkout.id)?.resolved).toBe(false);
    await waitFor(
      async () =>
        slack.calls.some((call) => call.method === 'chat.postMessage' && String(call.args.text).includes('Source went silent'))
          ? true
          : undefined,
      'Slack to hear that the source went silent',
    );
    await firebreak.notifier.worker.drain();
    const checkoutPages = pagerduty.events.filter((event) => event.dedup_key === checkout.id).map((event) => event.event_action);
    expect(checkoutPages).toContain('trigger');
    expect(checkoutPages).not.toContain('resolve');
    // And with Prometheus gone, its own path's heartbeat is missed too.
    await waitFor(() => openSilent('prometheus'), 'the API v2 path to go silent');
  });
});
