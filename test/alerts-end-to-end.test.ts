import { sql } from 'drizzle-orm';
import { afterEach, expect } from 'vitest';
import { queryRows } from '../platform/index.ts';
import type { TestFirebreak } from './harness/app.ts';
import type { TestServer } from './harness/fixtures.ts';
import { describeOnBackends, it } from './harness/fixtures.ts';
import type { MetricsTarget, RunningBinary } from './harness/prometheus-stack.ts';
import { eventually, startBinary, startMetricsTarget } from './harness/prometheus-stack.ts';

const RULES = `
groups:
  - name: e2e
    interval: 1s
    rules:
      - alert: CheckoutErrors
        expr: e2e_errors > 0
        labels:
          severity: critical
          service: checkout
        annotations:
          summary: "errors on {{ $labels.path }}"
`;

function prometheusConfig(metricsPort: number, alertmanager: { port: number; token: string | null }): string {
  const authorization = alertmanager.token
    ? `\n      authorization:\n        type: Bearer\n        credentials: ${alertmanager.token}`
    : '';
  return `
global:
  scrape_interval: 1s
  evaluation_interval: 1s
  external_labels:
    cluster: e2e
rule_files: [rules.yml]
alerting:
  alertmanagers:
    - api_version: v2${authorization}
      static_configs:
        - targets: ['127.0.0.1:${alertmanager.port}']
scrape_configs:
  - job_name: app
    static_configs:
      - targets: ['127.0.0.1:${metricsPort}']
`;
}

const startPrometheus = (config: string) =>
  startBinary('/usr/bin/prometheus', { 'prometheus.yml': config, 'rules.yml': RULES }, (directory, port) => [
    `--config.file=${directory}/prometheus.yml`,
    `--storage.tsdb.path=${directory}/data`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--rules.alert.resend-delay=1s',
    '--log.level=warn',
  ]);

interface IncidentRow {
  id: string;
  group_key: string;
  severity: string;
  resolved: boolean;
}

describeOnBackends('Prometheus and Alertmanager end to end', () => {
  let firebreak: TestFirebreak;
  let running: TestServer;
  let target: MetricsTarget;
  let token: string;
  const binaries: RunningBinary[] = [];

  // This test's listening Firebreak (the server fixture, shut down after the binaries and the target).
  it.beforeEach(async ({ server }) => {
    running = server;
    firebreak = server.firebreak;
    token = await firebreak.tokenFor('ingest');
    target = await startMetricsTarget();
    target.set('e2e_errors', { path: '/pay' }, 3);
    target.set('e2e_errors', { path: '/cart' }, 1);
  });
  afterEach(async () => {
    await Promise.all(binaries.splice(0).map((binary) => binary.stop()));
    await target.close();
  });

  const incidents = () =>
    queryRows<IncidentRow>(
      firebreak.database.db,
      sql`select id, group_key, severity, resolved_at is not null as resolved from incidents order by number`,
    );
  const alertsOf = (incidentId: string) =>
    queryRows<{ status: string; labels: Record<string, string> }>(
      firebreak.database.db,
      sql`select status, labels from alerts where incident_id = ${incidentId} order by fingerprint`,
    );
  const timeline = async (incidentId: string) =>
    (
      await queryRows<{ type: string; data: Record<string, unknown> }>(
        firebreak.database.db,
        sql`select type, data from timeline_events where incident_id = ${incidentId} order by id`,
      )
    ).flatMap((row) =>
      // A delivery's entry counts its alerts: as many joins and resolutions as alerts, however delivered.
      row.type === 'alerts.changed'
        ? (['joined', 'refired', 'resolved'] as const).flatMap((kind) => Array<string>(Number(row.data[kind] ?? 0)).fill(`alert ${kind}`))
        : [row.type],
    );

  async function expectFireThenResolve(expectedGroupKey: string, logs: () => string) {
    const incident = await eventually(
      async () => {
        const [found] = await incidents();
        return found && (await alertsOf(found.id)).filter((alert) => alert.status === 'firing').length === 2 ? found : undefined;
      },
      45_000,
      'an incident with two firing alerts',
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${logs()}`);
    });
    expect(incident).toMatchObject({ group_key: expectedGroupKey, severity: 'sev1', resolved: false });
    const firing = await alertsOf(incident.id);
    expect(firing.map((alert) => alert.labels.path).sort()).toEqual(['/cart', '/pay']);
    expect(firing[0]?.labels).toMatchObject({ alertname: 'CheckoutErrors', cluster: 'e2e', service: 'checkout', job: 'app' });

    target.set('e2e_errors', { path: '/pay' }, 0);
    target.set('e2e_errors', { path: '/cart' }, 0);
    await eventually(
      async () => ((await incidents())[0]?.resolved ? true : undefined),
      45_000,
      'the incident to be resolved by its alerts',
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${logs()}`);
    });
    expect((await alertsOf(incident.id)).map((alert) => alert.status)).toEqual(['resolved', 'resolved']);
    expect(await timeline(incident.id)).toEqual(['incident.opened', 'alert joined', 'alert joined', 'alert resolved', 'alert resolved']);
    expect(await incidents()).toHaveLength(1);
  }

  it('Prometheus → Alertmanager → webhook (bearer token): the incident opens, gathers both alerts, resolves', {
    timeout: 120_000,
  }, async () => {
    const alertmanagerConfig = `
route:
  receiver: firebreak
  group_by: [alertname, service]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: firebreak
    webhook_configs:
      - url: http://127.0.0.1:${running.port}/ingest/alertmanager
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: ${token}
`;
    const alertmanager = await startBinary(
      '/usr/bin/prometheus-alertmanager',
      { 'alertmanager.yml': alertmanagerConfig },
      (directory, port) => [
        `--config.file=${directory}/alertmanager.yml`,
        `--storage.path=${directory}/data`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
        '--log.level=warn',
      ],
    );
    binaries.push(alertmanager);
    const prometheus = await startPrometheus(prometheusConfig(target.port, { port: alertmanager.port, token: null }));
    binaries.push(prometheus);
    await expectFireThenResolve(
      '{}:{alertname="CheckoutErrors", service="checkout"}',
      () => `${alertmanager.output()}\n${prometheus.output()}`,
    );
  });

  it('Prometheus → /api/v2/alerts directly (api_version v2, bearer token): the same, with the configured group_by', {
    timeout: 120_000,
  }, async () => {
    const prometheus = await startPrometheus(prometheusConfig(target.port, { port: running.port, token }));
    binaries.push(prometheus);
    await expectFireThenResolve('{}:{alertname="CheckoutErrors", service="checkout"}', () => prometheus.output());
  });
});
