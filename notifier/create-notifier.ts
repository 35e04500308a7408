import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { WebClient } from '@slack/web-api';
import { sql } from 'drizzle-orm';
import type { Config, Database, DatabaseHandle, Logger, ReadinessCheck, Scheduler } from '../platform/index.ts';
import { queryRows } from '../platform/index.ts';
import { createEmailAdapter } from './adapters/email.ts';
import { createPagerDutyAdapter } from './adapters/pagerduty.ts';
import { createSlackAdapter, createSlackClient } from './adapters/slack.ts';
import { ESCALATION_TIMER, handleEscalationTimer } from './escalation.ts';
import type { ChannelAdapter, SettledHook } from './outbox-worker.ts';
import { OutboxWorker } from './outbox-worker.ts';
import type { PagerDutyHandlers } from './pagerduty/pagerduty-routes.ts';
import { pagerdutyRoutes } from './pagerduty/pagerduty-routes.ts';
import { notificationRoutes } from './routes.ts';
import type { OutboxChannel } from './schema/outbox-messages.ts';
import { routingRules } from './schema/routing-rules.ts';
import { settingsFromConfig } from './settings.ts';
import type { IncidentFacts } from './slack/blocks.ts';
import type { SlackHandlers } from './slack/slack-handlers.ts';
import { slackRoutes } from './slack/slack-routes.ts';

/**
 * What the notifier asks of the incidents part and does to incidents. The assembly hands it over
 * (the incidents part builds it), so that the notifier never imports incidents.
 */
export interface IncidentHooks {
  /** Current alerts and deadlines of an incident for the Slack summary. */
  describeIncident(db: Database, incidentId: string): Promise<IncidentFacts | null>;
  /** What Slack's commands, buttons and pins do. */
  slack: SlackHandlers;
  /** Told when a message is delivered or given up on (a breach notice is submitted once its e-mails arrive). */
  messageSettled?: SettledHook;
  /** What PagerDuty's webhook does. */
  pagerduty: PagerDutyHandlers;
}

export interface NotifierDeps {
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
  scheduler: Scheduler;
  incidents: IncidentHooks;
}

export interface Notifier {
  worker: OutboxWorker;
  readiness: ReadinessCheck[];
  /** /api/notifications */
  routes: ReturnType<typeof notificationRoutes>;
  /** /slack (commands, buttons, events) */
  slackRoutes: ReturnType<typeof slackRoutes>;
  /** /pagerduty (the webhook) */
  pagerdutyRoutes: ReturnType<typeof pagerdutyRoutes>;
}

function pagerdutyAgent(config: Config): Agent | undefined {
  if (!config.PAGERDUTY_CA_FILE) return undefined;
  // The extra authority is trusted besides the usual ones, not instead of them.
  return new Agent({ ca: [...rootCertificates, readFileSync(config.PAGERDUTY_CA_FILE, 'utf8')], keepAlive: true });
}

function buildAdapters(deps: NotifierDeps, slackClient: WebClient | null): Map<OutboxChannel, ChannelAdapter> {
  const { config } = deps;
  const adapters = new Map<OutboxChannel, ChannelAdapter>();
  if (config.SMTP_URL) {
    adapters.set('email', createEmailAdapter({ smtpUrl: config.SMTP_URL, from: config.SMTP_FROM, timeoutMs: config.NOTIFIER_TIMEOUT_MS }));
  }
  if (slackClient) {
    adapters.set(
      'slack',
      createSlackAdapter({ client: slackClient, publicUrl: config.publicUrl, describeIncident: deps.incidents.describeIncident }),
    );
  }
  adapters.set(
    'pagerduty',
    createPagerDutyAdapter({ server: config.PAGERDUTY_SERVER, timeoutMs: config.NOTIFIER_TIMEOUT_MS, agent: pagerdutyAgent(config) }),
  );
  return adapters;
}

async function rulesWithRoutingKeys(db: Database): Promise<number> {
  const [row] = await queryRows<{ count: string | number }>(
    db,
    sql`select count(*) as count from ${routingRules} where enabled and pagerduty_routing_key is not null`,
  );
  return Number(row?.count ?? 0);
}

/**
 * The notifier part: its settings, outbox worker (with one adapter per configured channel), escalation
 * timers, readiness and routes, with one Slack Web API client for the adapter and /slack.
 */
export function createNotifier(deps: NotifierDeps): Notifier {
  const { config, database, logger, scheduler } = deps;
  const settings = settingsFromConfig(config);
  const slackClient = config.SLACK_BOT_TOKEN
    ? createSlackClient(config.SLACK_BOT_TOKEN, config.SLACK_API_URL, config.NOTIFIER_TIMEOUT_MS)
    : null;
  const adapters = buildAdapters(deps, slackClient);
  scheduler.onTimer(ESCALATION_TIMER, (tx, timer, now) => handleEscalationTimer(tx, timer, now, settings));

  const unconfigured: string[] = [];
  if (!config.SLACK_BOT_TOKEN) unconfigured.push('Slack (SLACK_BOT_TOKEN unset): no incident channels or posts are queued');
  if (!config.SLACK_SIGNING_SECRET) unconfigured.push('Slack commands and buttons (SLACK_SIGNING_SECRET unset): /slack/* answers 503');
  if (!config.PAGERDUTY_ROUTING_KEY)
    unconfigured.push('PagerDuty default route (PAGERDUTY_ROUTING_KEY unset): only routing rules with a routing key page');
  if (!config.SMTP_URL) unconfigured.push('e-mail (SMTP_URL unset): e-mails are recorded as dead with the reason');
  if (unconfigured.length) logger.warn({ unconfigured }, 'notifier: some channels are not configured');

  const worker = new OutboxWorker(
    database,
    adapters,
    {
      batchSize: 50,
      concurrency: config.OUTBOX_CONCURRENCY,
      pollMs: config.OUTBOX_POLL_MS,
      // Beyond the adapters' own timeouts (and pdjs's short 429 retries), a hung attempt is abandoned.
      attemptTimeoutMs: config.NOTIFIER_TIMEOUT_MS + 3000,
      leaseMs: 2 * config.NOTIFIER_TIMEOUT_MS + 30_000,
      backoff: { baseMs: config.OUTBOX_BACKOFF_BASE_MS, maxMs: config.OUTBOX_BACKOFF_MAX_MS },
    },
    logger.child({ part: 'notifier' }),
    deps.incidents.messageSettled ?? null,
  );

  const readiness: ReadinessCheck[] = [
    {
      name: 'slack',
      required: false,
      check: async () => {
        if (!config.SLACK_BOT_TOKEN) return { ok: false, detail: 'not configured: SLACK_BOT_TOKEN is unset, nothing is posted to Slack' };
        if (!config.SLACK_SIGNING_SECRET)
          return {
            ok: false,
            detail: `posting to ${config.SLACK_API_URL}; SLACK_SIGNING_SECRET is unset, so commands and buttons are refused`,
          };
        return { ok: true, detail: `posting to ${config.SLACK_API_URL}; commands and buttons verified by signature` };
      },
    },
    {
      name: 'pagerduty',
      required: false,
      check: async () => {
        const rules = await rulesWithRoutingKeys(database.db);
        if (!config.PAGERDUTY_ROUTING_KEY && rules === 0)
          return { ok: false, detail: 'not configured: no PAGERDUTY_ROUTING_KEY and no routing rule with a routing key, nobody is paged' };
        const routes = [config.PAGERDUTY_ROUTING_KEY ? 'the default routing key' : null, rules ? `${rules} routing rule(s)` : null]
          .filter(Boolean)
          .join(' and ');
        return { ok: true, detail: `Events API v2 at ${config.PAGERDUTY_SERVER}, paging through ${routes}` };
      },
    },
    {
      name: 'email',
      required: false,
      check: async () =>
        config.SMTP_URL
          ? { ok: true, detail: `SMTP ${new URL(config.SMTP_URL).host}` }
          : { ok: false, detail: 'not configured: SMTP_URL is unset, e-mails are not sent' },
    },
    {
      name: 'outbox',
      required: false,
      check: async () => {
        const rows = await queryRows<{ status: string; count: string | number }>(
          database.db,
          sql`select status, count(*) as count from outbox_messages where status in ('pending', 'failed', 'dead') group by status`,
        );
        const count = (status: string) => Number(rows.find((row) => row.status === status)?.count ?? 0);
        const detail = `${count('pending')} pending, ${count('failed')} waiting to retry, ${count('dead')} dead`;
        return { ok: count('dead') === 0, detail };
      },
    },
  ];

  return {
    worker,
    readiness,
    routes: notificationRoutes(),
    slackRoutes: slackRoutes(deps.incidents.slack, slackClient),
    pagerdutyRoutes: pagerdutyRoutes(deps.incidents.pagerduty),
  };
}
