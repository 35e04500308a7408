import type { Config, DatabaseHandle, Logger, ReadinessCheck, Scheduler } from '../platform/index.ts';
import { createEmailAdapter } from './adapters/email.ts';
import { OutboxWorker } from './outbox-worker.ts';
import type { ChannelAdapter } from './outbox-worker.ts';
import { notificationRoutes } from './routes.ts';
import { configureNotifier, settingsFromConfig } from './settings.ts';
import type { OutboxChannel } from './schema/outbox-messages.ts';

export interface NotifierDeps {
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
  scheduler: Scheduler;
  /** Replaces the adapter built from the configuration for a channel (tests pass their own transport). */
  adapters?: Partial<Record<OutboxChannel, ChannelAdapter>>;
}

export interface Notifier {
  worker: OutboxWorker;
  readiness: ReadinessCheck[];
  routes: ReturnType<typeof notificationRoutes>;
}

function buildAdapters(config: Config): Map<OutboxChannel, ChannelAdapter> {
  const adapters = new Map<OutboxChannel, ChannelAdapter>();
  if (config.SMTP_URL) {
    adapters.set('email', createEmailAdapter({ smtpUrl: config.SMTP_URL, from: config.SMTP_FROM, timeoutMs: config.NOTIFIER_TIMEOUT_MS }));
  }
  return adapters;
}

/** The notifier part: its settings, outbox worker, readiness details and routes. */
export function createNotifier(deps: NotifierDeps): Notifier {
  const { config, database, logger } = deps;
  const settings = settingsFromConfig(config);
  configureNotifier(settings);
  const adapters = buildAdapters(config);
  for (const [channel, adapter] of Object.entries(deps.adapters ?? {}) as [OutboxChannel, ChannelAdapter][]) adapters.set(channel, adapter);

  const unconfigured: string[] = [];
  if (!config.SMTP_URL) unconfigured.push('e-mail (SMTP_URL unset): e-mails are recorded as dead with the reason');
  if (unconfigured.length) logger.warn({ unconfigured }, 'notifier: some channels are not configured');

  const worker = new OutboxWorker(
    database,
    adapters,
    {
      batchSize: 50,
      concurrency: config.OUTBOX_CONCURRENCY,
      pollMs: config.OUTBOX_POLL_MS,
      attemptTimeoutMs: config.NOTIFIER_TIMEOUT_MS + 2000,
      leaseMs: 2 * config.NOTIFIER_TIMEOUT_MS + 30_000,
      backoff: { baseMs: config.OUTBOX_BACKOFF_BASE_MS, maxMs: config.OUTBOX_BACKOFF_MAX_MS },
    },
    logger.child({ part: 'notifier' }),
  );

  const readiness: ReadinessCheck[] = [
    {
      name: 'email',
      required: false,
      check: async () =>
        config.SMTP_URL
          ? { ok: true, detail: `SMTP ${new URL(config.SMTP_URL).host}` }
          : { ok: false, detail: 'not configured: SMTP_URL is unset, e-mails are not sent' },
    },
  ];

  return { worker, readiness, routes: notificationRoutes() };
}
