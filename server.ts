import { rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import path from 'node:path';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { alertmanagerRoutes } from './collector/alertmanager/index.ts';
import { OTLP_TRACES_PATH, otlpRoutes } from './collector/otlp/index.ts';
import { apiDocsRoutes, registerDashboards } from './dashboards/index.ts';
import { publicNoticeRoutes } from './dashboards/public-notice/index.ts';
import {
  alertRetention,
  alertRoutes,
  breachRecordRetention,
  breachRoutes,
  exportRoutes,
  healthWindowRetention,
  heartbeatRoutes,
  incidentRoutes,
  incidentTraceRoutes,
  inhibitRuleRoutes,
  notifierHooks,
  playbookRoutes,
  privacyRoutes,
  regimeRoutes,
  registerAlerting,
  registerBreach,
  registerHeartbeats,
  registerIncidents,
  registerServiceHealth,
  serviceRoutes,
  silenceRoutes,
  sloRoutes,
  spanRetention,
} from './incidents/index.ts';
import type { Notifier } from './notifier/index.ts';
import { announceAccess, createNotifier, deliveredMessageRetention } from './notifier/index.ts';
import type { AppDeps, AppEnv, Config, DatabaseHandle, Logger, ReadinessCheck } from './platform/index.ts';
import {
  accessRoutes,
  auditRetention,
  backupRoutes,
  createBaseApp,
  createLogger,
  defineBackupMetrics,
  describeFatalError,
  ensureInitialAdmin,
  formatStartBanner,
  identityProviderRoutes,
  isPrettyLogFormat,
  listenError,
  loadConfig,
  loadSsoConfigFile,
  localUrl,
  lockEmbeddedDatabase,
  openApiDocument,
  openDatabase,
  peopleRoutes,
  platformRoutes,
  redactorFrom,
  registerAccess,
  registerAuditCheckpoints,
  registerRetention,
  registerScheduledBackups,
  runMigrations,
  SCIM_BASE_PATH,
  Scheduler,
  SERVER_URL_FILE,
  scimRoutes,
  secretsAtStartup,
  sessionRetention,
  startBanner,
  startSelfTracing,
  warnAboutShortRetention,
} from './platform/index.ts';

/** Something that runs beside the HTTP server (a worker, the scheduler) and stops with it. */
export interface BackgroundService {
  name: string;
  start(): void;
  stop(): Promise<void>;
}

export interface Firebreak {
  app: Hono<AppEnv>;
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
  scheduler: Scheduler;
  /** The outbox worker, notification routes and delivery readiness. */
  notifier: Notifier;
  /** Starts the scheduler and workers (the HTTP listener is separate: see listen()). */
  startBackground(): void;
  /** Stops workers and the scheduler, then closes the database. */
  close(): Promise<void>;
}

export interface FirebreakOptions {
  /** An already open database (tests pass theirs); otherwise one is opened from the config. */
  database?: DatabaseHandle;
  logger?: Logger;
}

/** Builds the whole service: database (migrated), first admin, scheduler, and every part's routes. */
export async function createFirebreak(config: Config, options: FirebreakOptions = {}): Promise<Firebreak> {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL, config.LOG_FORMAT);
  // A REDACTION_RULES_FILE that cannot be read or compiled stops the start here, naming the rule.
  redactorFrom(config);
  const database =
    options.database ??
    (await openDatabase({
      url: config.DATABASE_URL,
      dataDirectory: config.dataDirectory,
      poolSize: config.DATABASE_POOL_SIZE,
      lookupConnections: config.DATABASE_LOOKUP_CONNECTIONS,
    }));
  await runMigrations(database);
  await ensureInitialAdmin(database.db, config, logger);
  const secrets = await secretsAtStartup(database.db, config, logger);
  if (config.SSO_CONFIG_FILE) {
    const providers = await loadSsoConfigFile(database.db, config, secrets, config.SSO_CONFIG_FILE);
    logger.info({ path: config.SSO_CONFIG_FILE, providers }, 'identity providers loaded from SSO_CONFIG_FILE');
  }

  const scheduler = new Scheduler(database.db, logger);
  const services: BackgroundService[] = [];
  const readiness: ReadinessCheck[] = [];
  const deps: AppDeps = {
    config,
    database,
    logger,
    secrets,
    publicPaths: ['/healthz', '/readyz', '/notices', '/slack'],
  };

  const app = createBaseApp(deps);
  app.route('/', platformRoutes(readiness));
  app.route('/api/identity-providers', identityProviderRoutes);
  app.route('/', peopleRoutes());
  app.route(SCIM_BASE_PATH, scimRoutes);
  app.route('/api/incidents', incidentRoutes);
  app.route('/api/playbooks', playbookRoutes);
  app.route('/api/export', exportRoutes);
  app.route('/api/privacy', privacyRoutes);
  registerAlerting(scheduler, config);
  registerAuditCheckpoints(scheduler, config);
  readiness.push(await registerScheduledBackups(scheduler, { database, config, logger }));
  defineBackupMetrics();
  app.route('/api/backups', backupRoutes);
  app.route('/', alertmanagerRoutes);
  app.route('/api/alerts', alertRoutes);
  app.route('/api/silences', silenceRoutes);
  app.route('/api/heartbeats', heartbeatRoutes);
  await registerHeartbeats(scheduler, database.db, config, logger);
  app.route('/api/inhibit-rules', inhibitRuleRoutes);
  await registerIncidents({ config, database, logger, scheduler });

  const serviceHealth = await registerServiceHealth({ config, database, logger, scheduler });
  services.push(serviceHealth.flusher);
  deps.ownBodyLimitPaths = [...(deps.ownBodyLimitPaths ?? []), OTLP_TRACES_PATH];
  app.route(
    '/',
    otlpRoutes({
      sink: serviceHealth.aggregator,
      maxBodyBytes: config.TRACE_MAX_BODY_BYTES,
      maxInFlightBytes: config.TRACE_MAX_INFLIGHT_BYTES,
      maxInFlightRequests: config.TRACE_MAX_INFLIGHT_REQUESTS,
      maxQueuedRequests: config.TRACE_MAX_QUEUED_REQUESTS,
      maxQueueWaitMs: config.TRACE_MAX_QUEUE_WAIT_MS,
    }),
  );
  app.route('/api/incidents', incidentTraceRoutes);
  app.route('/api/services', serviceRoutes);
  app.route('/api/slos', sloRoutes);

  const breach = await registerBreach({ config, db: database.db, scheduler, regimesFile: config.BREACH_REGIMES_FILE });
  if (breach.regimesLoaded.length) logger.info({ regimes: breach.regimesLoaded }, 'breach regimes loaded from BREACH_REGIMES_FILE');
  app.route('/api/regimes', regimeRoutes);
  app.route('/api', breachRoutes);
  app.route('/notices', publicNoticeRoutes);

  const notifier = createNotifier({ config, database, logger, scheduler, incidents: notifierHooks });
  services.push(notifier.worker);
  readiness.push(...notifier.readiness);
  app.route('/api/notifications', notifier.routes);
  app.route('/slack', notifier.slackRoutes);
  app.route('/pagerduty', notifier.pagerdutyRoutes);
  deps.publicPaths.push('/pagerduty');
  // Elevations and access reviews are platform's; the notifier's outbox announces them.
  app.route('/', accessRoutes(announceAccess));
  await registerAccess({ scheduler, db: database.db, config, announce: announceAccess });
  registerDashboards(app, deps, { services });

  // One job enforces every data class's limit (docs/operations.md, "Retention").
  warnAboutShortRetention(config, logger);
  registerRetention(scheduler, {
    batchSize: config.RETENTION_BATCH_SIZE,
    logger,
    rules: [
      { retention: alertRetention, days: config.ALERT_RETENTION_DAYS },
      { retention: spanRetention, days: config.TRACE_EVIDENCE_RETENTION_DAYS },
      { retention: healthWindowRetention, days: config.TRACE_WINDOW_RETENTION_DAYS },
      { retention: deliveredMessageRetention, days: config.OUTBOX_RETENTION_DAYS },
      { retention: sessionRetention(config), days: config.SESSION_RETENTION_DAYS },
      { retention: breachRecordRetention, days: config.BREACH_RETENTION_DAYS },
      { retention: auditRetention(config), days: config.AUDIT_RETENTION_DAYS },
    ],
  });

  let openApi: Promise<unknown> | null = null;
  app.get('/openapi.json', async (c) => c.json(await (openApi ??= openApiDocument(app))));
  app.route('/api/docs', apiDocsRoutes);
  deps.publicPaths.push('/openapi.json', '/api/docs');

  return {
    app,
    config,
    database,
    logger,
    scheduler,
    notifier,
    startBackground() {
      if (config.SCHEDULER_ENABLED) scheduler.start();
      for (const service of services) service.start();
    },
    async close() {
      await Promise.allSettled(services.map((service) => service.stop()));
      await scheduler.stop();
      await database.close();
    },
  };
}

export interface RunningServer {
  firebreak: Firebreak;
  server: Server;
  port: number;
  /** Stops accepting, lets requests in flight finish, stops workers, closes the database. */
  shutdown(): Promise<void>;
}

/** Listens on HOST:PORT with the background services running. */
export async function listen(firebreak: Firebreak): Promise<RunningServer> {
  const { config, logger } = firebreak;
  const server = await new Promise<Server>((resolve, reject) => {
    const refused = (error: NodeJS.ErrnoException) => reject(listenError(error, config.HOST, config.PORT));
    const started = serve({ fetch: firebreak.app.fetch, port: config.PORT, hostname: config.HOST }, () => {
      started.off('error', refused);
      resolve(started as Server);
    });
    started.once('error', refused);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  firebreak.startBackground();
  const banner = await startBanner(config, firebreak.database, port);
  // A terminal gets the banner as a block to read; a log shipper gets the same facts as fields of one line.
  if (isPrettyLogFormat(config.LOG_FORMAT)) {
    logger.info({ url: banner.url }, 'firebreak listening');
    if (config.LOG_LEVEL !== 'silent') process.stdout.write(formatStartBanner(banner));
  } else {
    logger.info({ ...banner, databaseKind: firebreak.database.kind }, 'firebreak listening');
  }

  let closing: Promise<void> | null = null;
  const shutdown = () => {
    closing ??= (async () => {
      logger.info('shutting down: no new connections, finishing requests in flight');
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = new Promise<void>((resolve) => setTimeout(resolve, config.SHUTDOWN_TIMEOUT_MS).unref());
      await Promise.race([drained, deadline]);
      server.closeAllConnections();
      await firebreak.close();
      logger.info('stopped');
    })();
    return closing;
  };
  return { firebreak, server, port, shutdown };
}

/** `npm start` and `firebreak serve`: run until SIGTERM or SIGINT. */
export async function runServer(config: Config = loadConfig()): Promise<RunningServer> {
  const stopTracing = startSelfTracing(config);
  const lock = config.DATABASE_URL ? null : await lockEmbeddedDatabase(config.dataDirectory);
  const urlFile = path.join(config.dataDirectory, SERVER_URL_FILE);
  const releaseLock = lock && (() => rm(urlFile, { force: true }).finally(lock));
  try {
    const firebreak = await createFirebreak(config);
    const running = await listen(firebreak).catch(async (error: unknown) => {
      await firebreak.close();
      throw error;
    });
    // `npx firebreak token create` and its kind find the server that holds the embedded database here.
    if (lock) await writeFile(urlFile, `${localUrl(config.HOST, running.port)}\n`, { mode: 0o600 });
    const onSignal = (signal: NodeJS.Signals) => {
      running.firebreak.logger.info({ signal }, 'signal received');
      void running
        .shutdown()
        .then(() => stopTracing?.())
        .finally(() => releaseLock?.())
        .finally(() => process.exit(0));
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    return running;
  } catch (error) {
    await releaseLock?.();
    throw error;
  }
}

const isMain = process.argv[1] && import.meta.filename === (await import('node:fs')).realpathSync(process.argv[1]);
if (isMain) {
  runServer().catch((error: unknown) => {
    const fatal = describeFatalError(error);
    console.error(fatal.text);
    process.exit(fatal.exitCode);
  });
}
