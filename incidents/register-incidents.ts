import type { Config, DatabaseHandle, Logger, Scheduler } from '../platform/index.ts';
import { ACTION_ITEM_OVERDUE_TIMER, remindOverdueActionItem } from './action-items/index.ts';
import { loadInhibitRulesFile } from './alerts/index.ts';
import { defineIncidentMetrics } from './incident-metrics.ts';
import { loadPlaybooksFile } from './playbooks/index.ts';

export interface IncidentsSetup {
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
  scheduler: Scheduler;
}

/** Wires the lifecycle into the service: overdue reminders, PLAYBOOKS_FILE, INHIBIT_RULES_FILE, and the /metrics gauges. */
export async function registerIncidents({ config, database, logger, scheduler }: IncidentsSetup): Promise<void> {
  scheduler.onTimer(ACTION_ITEM_OVERDUE_TIMER, remindOverdueActionItem(config));
  if (config.PLAYBOOKS_FILE) {
    const count = await loadPlaybooksFile(database.db, config, config.PLAYBOOKS_FILE);
    logger.info({ path: config.PLAYBOOKS_FILE, playbooks: count }, 'playbooks loaded');
  }
  if (config.INHIBIT_RULES_FILE) {
    const count = await loadInhibitRulesFile(database.db, config, config.INHIBIT_RULES_FILE);
    logger.info({ path: config.INHIBIT_RULES_FILE, rules: count }, 'inhibition rules loaded');
  }
  defineIncidentMetrics();
}
