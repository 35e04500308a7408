import type { Config, Database, Scheduler } from '../../platform/index.ts';
import { fireDeadlineWarning, WARNING_TIMER_KIND } from './obligations/index.ts';
import { loadRegimesFile } from './regimes/index.ts';

/** Wires the breach part into the service: deadline-warning timers, and the regimes file if configured. */
export async function registerBreach(options: {
  config: Config;
  db: Database;
  scheduler: Scheduler;
  regimesFile?: string | undefined;
}): Promise<{ regimesLoaded: string[] }> {
  // Warnings due together go out side by side: each one writes only its own rows (its guard row, its
  // messages and timeline entry under keys of its own, its next reminder) and decides from nothing
  // another warning of the tick writes.
  options.scheduler.onTimer(WARNING_TIMER_KIND, (tx, timer, now) => fireDeadlineWarning(tx, timer, now, options.config), {
    concurrent: true,
  });
  const regimesLoaded = options.regimesFile ? await loadRegimesFile(options.db, options.regimesFile) : [];
  return { regimesLoaded };
}
