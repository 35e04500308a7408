/**
 * Notification latency and outbox throughput on real Postgres, with Firebreak listening and its outbox
 * worker running, Slack and PagerDuty (HTTPS) served by the local fakes:
 * - from an alert's arrival (the moment POST /api/v2/alerts is sent) to the incident's Slack summary and
 *   to the page arriving at the fake servers, one new incident at a time (p50, p99; target p99 < 1 s);
 * - outbox throughput: messages/s delivered for a backlog of PagerDuty events across many incidents.
 */
import { randomUUID } from 'node:crypto';
import { insertOutboxMessage } from '../../notifier/enqueue-message.ts';
import { settingsFromConfig } from '../../notifier/settings.ts';
import { createLogger, createToken, loadConfig, systemContext } from '../../platform/index.ts';
import { createFirebreak, listen } from '../../server.ts';
import { FakePagerDutyServer } from '../fakes/pagerduty-server.ts';
import { FakeSlackServer } from '../fakes/slack-server.ts';
import { makeTestCertificate } from '../fakes/tls.ts';
import { TEST_ROUTING_KEY } from '../harness/notifier.ts';
import { createBenchDatabase } from './database.ts';

const INCIDENTS = Number(process.env.BENCH_NOTIFIER_INCIDENTS ?? 200);
// OUTBOX_CONCURRENCY from the environment is honoured, to compare settings.
const BACKLOG = Number(process.env.BENCH_NOTIFIER_BACKLOG ?? 5000);

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a delivery');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

export async function bench(): Promise<void> {
  const database = await createBenchDatabase();
  const certificate = await makeTestCertificate();
  const slack = new FakeSlackServer();
  const pagerduty = new FakePagerDutyServer(certificate);
  await Promise.all([slack.start(), pagerduty.start()]);
  const config = loadConfig({
    DATABASE_URL: database.url,
    PORT: '0',
    LOG_LEVEL: 'silent',
    SCHEDULER_ENABLED: 'false',
    DATA_DIR: `/tmp/firebreak-bench-${randomUUID()}`,
    FIREBREAK_BOOTSTRAP_TOKEN: `fbk_bench_admin_${'n'.repeat(40)}`,
    SLACK_BOT_TOKEN: slack.token,
    SLACK_API_URL: slack.url,
    SLACK_BROADCAST_CHANNEL: '#incidents',
    PAGERDUTY_ROUTING_KEY: TEST_ROUTING_KEY,
    PAGERDUTY_SERVER: pagerduty.address,
    PAGERDUTY_CA_FILE: certificate.certFile,
    PAGERDUTY_ESCALATE_AFTER_SECONDS: '0',
    OUTBOX_CONCURRENCY: process.env.OUTBOX_CONCURRENCY ?? '8',
  });
  const running = await listen(await createFirebreak(config, { logger: createLogger('silent') }));
  try {
    const { token } = await createToken(systemContext(running.firebreak.database.db, running.firebreak.config), {
      name: 'bench-ingest',
      role: 'ingest',
    });
    const url = `http://127.0.0.1:${running.port}/api/v2/alerts`;
    const summaries = () => slack.callsOf('chat.postMessage').filter((call) => call.args.channel !== '#incidents').length;

    // Warm-up: connections, prepared plans, TLS session.
    const send = async (index: number) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify([
          {
            labels: { alertname: `BenchAlert${index}`, service: `svc-${index}`, severity: 'critical' },
            annotations: { summary: `bench alert ${index}` },
            startsAt: new Date().toISOString(),
            generatorURL: 'http://prometheus.example:9090/graph',
          },
        ]),
      });
      if (!response.ok) throw new Error(`POST /api/v2/alerts answered ${response.status}: ${await response.text()}`);
    };
    for (let index = 0; index < 5; index++) {
      const [slackBefore, pagesBefore] = [summaries(), pagerduty.events.length];
      await send(-index - 1);
      await until(() => summaries() > slackBefore && pagerduty.events.length > pagesBefore, 10_000);
    }

    const toSlack: number[] = [];
    const toPage: number[] = [];
    for (let index = 0; index < INCIDENTS; index++) {
      const [slackBefore, pagesBefore] = [summaries(), pagerduty.events.length];
      const started = Date.now();
      await send(index);
      await until(() => summaries() > slackBefore && pagerduty.events.length > pagesBefore, 10_000);
      const summaryCall = slack
        .callsOf('chat.postMessage')
        .filter((call) => call.args.channel !== '#incidents')
        .at(-1);
      const page = pagerduty.events.at(-1);
      if (!summaryCall || !page) throw new Error('a delivery went missing');
      toSlack.push(summaryCall.at - started);
      toPage.push(page.at - started);
    }
    toSlack.sort((a, b) => a - b);
    toPage.sort((a, b) => a - b);
    console.log(
      `alert → Slack summary (${INCIDENTS} incidents, one at a time): p50 ${percentile(toSlack, 0.5)} ms, p99 ${percentile(toSlack, 0.99)} ms, max ${toSlack.at(-1)} ms`,
    );
    console.log(
      `alert → PagerDuty trigger: p50 ${percentile(toPage, 0.5)} ms, p99 ${percentile(toPage, 0.99)} ms, max ${toPage.at(-1)} ms (target p99 < 1000 ms)`,
    );

    // Throughput: a backlog of PagerDuty events over 500 incidents (ordering keys), written at once.
    const { db } = running.firebreak.database;
    await running.firebreak.notifier.worker.stop();
    const before = pagerduty.events.length;
    const connectionsBefore = pagerduty.connections;
    const incidents = Array.from({ length: 500 }, () => randomUUID());
    for (let start = 0; start < BACKLOG; start += 500) {
      await db.transaction(async (tx) => {
        for (let index = start; index < Math.min(BACKLOG, start + 500); index++) {
          const incidentId = incidents[index % incidents.length] ?? randomUUID();
          await insertOutboxMessage(tx, settingsFromConfig(running.firebreak.config), {
            channel: 'pagerduty',
            kind: 'pagerduty.trigger',
            idempotencyKey: `bench:${index}`,
            orderingKey: `pagerduty:${incidentId}`,
            payload: {
              routingKey: TEST_ROUTING_KEY,
              action: 'trigger',
              dedupKey: `${incidentId}:${index}`,
              summary: `bench message ${index}`,
              severity: 'error',
              component: null,
              customDetails: {},
              link: 'http://firebreak.test/incidents/INC-1',
            },
          });
        }
      });
    }
    const started = performance.now();
    running.firebreak.notifier.worker.start();
    await until(() => pagerduty.events.length - before >= BACKLOG, 600_000);
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `outbox throughput: ${BACKLOG} PagerDuty events over 500 ordering keys in ${seconds.toFixed(2)} s = ${(BACKLOG / seconds).toFixed(0)} messages/s (concurrency ${config.OUTBOX_CONCURRENCY}, HTTPS to a local fake, ${pagerduty.connections - connectionsBefore} TLS connections)`,
    );
  } finally {
    await running.shutdown();
    await Promise.all([slack.stop(), pagerduty.stop()]);
    await certificate.remove();
    await database.drop();
  }
}
