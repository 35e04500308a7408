import type { Database } from '../database/index.ts';

/**
 * One class of data with a retention limit (alerts, spans, sessions, the audit trail, ...). The part
 * that owns the tables defines it; the retention job (retention-job.ts) enforces every class.
 */
export interface RetentionClass {
  /** The `class` label of the retention metrics and the README's retention table. */
  name: string;
  /**
   * When the class's oldest row passed out of use (resolved, delivered, ended, written), measured the
   * way deleteBatch measures its cutoff; null when there is none. A row older than the limit plus
   * the job's period means retention is not keeping up.
   */
  oldestRowAt(db: Database): Promise<Date | null>;
  /** Deletes at most `limit` rows older than `cutoff`, oldest first; answers how many it deleted. */
  deleteBatch(tx: Database, cutoff: Date, limit: number, now: Date): Promise<number>;
}

/** A class with the limit it is held to. */
export interface RetentionRule {
  retention: RetentionClass;
  days: number;
}
