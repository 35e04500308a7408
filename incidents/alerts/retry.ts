import { Counter } from 'prom-client';
import { defineMetric, metricsRegistry, sqlStateOf, violatedConstraintOf } from '../../platform/index.ts';

/**
 * A new alert is claimed by its insert, not locked (ingest-transaction.ts): this unique violation
 * means another transaction stored it after this one's first read. Run again, the first read finds it.
 */
const CLAIMED_ELSEWHERE = 'alerts_fingerprint_unique';
const ATTEMPTS = 4;

const retries = defineMetric(
  'firebreak_alert_ingest_retries_total',
  () =>
    new Counter({
      name: 'firebreak_alert_ingest_retries_total',
      help: 'Ingest transactions run again, by cause (deadlock, serialization, claimed: a new alert another transaction stored first).',
      labelNames: ['cause'] as const,
      registers: [metricsRegistry],
    }),
);

/** Why a failed ingest transaction is worth running again as it was; null if it is not. */
export function retryCause(error: unknown): 'deadlock' | 'serialization' | 'claimed' | null {
  const code = sqlStateOf(error);
  if (code === '23505' && violatedConstraintOf(error) === CLAIMED_ELSEWHERE) return 'claimed';
  if (code === '40P01') return 'deadlock';
  if (code === '40001') return 'serialization';
  return null;
}

/**
 * Runs an ingest transaction again when it wrote nothing for a reason that another try may not meet:
 * a deadlock, a serialization failure, or a new alert another transaction stored first. Answering 500
 * would only make the sender retry later.
 */
export async function withRetryOnConflict<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const cause = retryCause(error);
      if (attempt >= ATTEMPTS || cause === null) throw error;
      retries.inc({ cause });
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}
