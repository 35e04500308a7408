import type { Config, Database, Logger, Scheduler } from '../../../platform/index.ts';
import { checkHeartbeat } from './check-heartbeat.ts';
import { HEARTBEAT_TIMER } from './heartbeat-timer.ts';
import { loadHeartbeatsFile } from './load-heartbeats-file.ts';

/** Wires heartbeats into the service: the missed-heartbeat timer, and HEARTBEATS_FILE at start. */
export async function registerHeartbeats(scheduler: Scheduler, db: Database, config: Config, logger: Logger): Promise<void> {
  scheduler.onTimer(HEARTBEAT_TIMER, checkHeartbeat(config));
  if (config.HEARTBEATS_FILE) {
    const count = await loadHeartbeatsFile(db, config, config.HEARTBEATS_FILE);
    logger.info({ path: config.HEARTBEATS_FILE, heartbeats: count }, 'heartbeats loaded');
  }
}
