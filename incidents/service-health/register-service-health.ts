import type { Config, Database, DatabaseHandle, Logger, Scheduler } from '../../platform/index.ts';
import { redactorFrom, systemContext } from '../../platform/index.ts';
import { evaluateSlos } from './evaluate-slos.ts';
import { ServiceHealthAggregator } from './health-aggregator.ts';
import { loadSloFile } from './load-slo-file.ts';
import { raiseSloAlerts, sloAlertSettings } from './raise-slo-alerts.ts';

export const SLO_EVALUATION_JOB = 'slo-evaluation';
/** A burning SLO's alert is refreshed every evaluation (30 s) and would expire this long after the last. */
const HEARTBEAT_SECONDS = 180;

export interface ServiceHealthDeps {
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
  scheduler: Scheduler;
}

export interface ServiceHealth {
  aggregator: ServiceHealthAggregator;
  /** Flushes the in-memory windows every TRACE_WINDOW_SECONDS; a last flush on stop. */
  flusher: { name: string; start(): void; stop(): Promise<void> };
}

/**
 * Sets up service health on a replica: the in-memory aggregator OTLP feeds, its periodic flush, the
 * SLO evaluation job, and SLO_CONFIG_FILE (applied now; a bad file stops the start).
 */
export async function registerServiceHealth(deps: ServiceHealthDeps): Promise<ServiceHealth> {
  const { config, database, logger, scheduler } = deps;
  const aggregator = new ServiceHealthAggregator({
    windowSeconds: config.TRACE_WINDOW_SECONDS,
    evidencePerMinute: config.TRACE_EVIDENCE_PER_MINUTE,
    maxOperationsPerService: config.TRACE_MAX_OPERATIONS_PER_SERVICE,
    maxPendingRows: 200_000,
    redactor: redactorFrom(config),
    logger,
  });
  if (config.SLO_CONFIG_FILE) {
    const count = await loadSloFile(database.db, config, config.SLO_CONFIG_FILE);
    logger.info({ path: config.SLO_CONFIG_FILE, slos: count }, 'SLO_CONFIG_FILE applied');
  }

  const flush = async (db: Database) => {
    try {
      await aggregator.flush(db);
    } catch (error) {
      logger.error({ err: error }, 'service health flush failed');
    }
  };
  const alertSettings = sloAlertSettings(config);
  scheduler.every(SLO_EVALUATION_JOB, '*/30 * * * * *', async (tx, now) => {
    // This replica's latest counts first, so that the evaluation sees them.
    await aggregator.flush(tx);
    await evaluateSlos(tx, now, {
      raise: (db, alerts) => raiseSloAlerts(systemContext(db, config), alerts, now, alertSettings),
      heartbeatSeconds: HEARTBEAT_SECONDS,
      publicUrl: config.publicUrl,
    });
  });
  let timer: NodeJS.Timeout | null = null;
  return {
    aggregator,
    flusher: {
      name: 'service-health-flush',
      start() {
        timer ??= setInterval(() => void flush(database.db), config.TRACE_WINDOW_SECONDS * 1000);
        timer.unref();
      },
      async stop() {
        if (timer) clearInterval(timer);
        timer = null;
        await flush(database.db);
      },
    },
  };
}
