import type { Database, Scheduler } from '../../platform/index.ts';
import { fireDeadlineWarning } from './fire-deadline-warning.ts';
import { loadRegimesFile } from './load-regimes-file.ts';
import { WARNING_TIMER_KIND } from './schedule-warnings.ts';

/** Wires the breach part into the service: the deadline-warning timers, and the regimes file if configured. */
export async function registerBreach(options: { db: Database; scheduler: Scheduler; regimesFile?: string | undefined }): Promise<{ regimesLoaded: string[] }> {
  options.scheduler.onTimer(WARNING_TIMER_KIND, fireDeadlineWarning);
  const regimesLoaded = options.regimesFile ? await loadRegimesFile(options.db, options.regimesFile) : [];
  return { regimesLoaded };
}
