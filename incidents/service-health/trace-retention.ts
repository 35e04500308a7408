import { asc, inArray, lt, min, sql } from 'drizzle-orm';
import type { RetentionClass } from '../../platform/index.ts';
import { queryRows } from '../../platform/index.ts';
import { errorSpans } from './schema/error-spans.ts';
import { serviceWindows } from './schema/service-windows.ts';

/** Stored error spans (the evidence of incidents) as a retention class: TRACE_EVIDENCE_RETENTION_DAYS after they arrived. */
export const spanRetention: RetentionClass = {
  name: 'spans',
  async oldestRowAt(db) {
    const [row] = await db.select({ oldest: min(errorSpans.receivedAt) }).from(errorSpans);
    return row?.oldest ?? null;
  },
  async deleteBatch(tx, cutoff, limit) {
    const due = tx
      .select({ id: errorSpans.id })
      .from(errorSpans)
      .where(lt(errorSpans.receivedAt, cutoff))
      .orderBy(asc(errorSpans.receivedAt))
      .limit(limit);
    const deleted = await tx.delete(errorSpans).where(inArray(errorSpans.id, due)).returning({ id: errorSpans.id });
    return deleted.length;
  },
};

/** Per-operation health windows as a retention class: TRACE_WINDOW_RETENTION_DAYS after the window began. */
export const healthWindowRetention: RetentionClass = {
  name: 'health_windows',
  async oldestRowAt(db) {
    const [row] = await db.select({ oldest: min(serviceWindows.windowStart) }).from(serviceWindows);
    return row?.oldest ?? null;
  },
  async deleteBatch(tx, cutoff, limit) {
    const deleted = await queryRows<{ one: number }>(
      tx,
      sql`delete from service_windows where (service, span_name, span_kind, window_start) in (
            select service, span_name, span_kind, window_start from service_windows
            where window_start < ${cutoff.toISOString()}::timestamptz order by window_start limit ${limit})
          returning 1 as one`,
    );
    return deleted.length;
  },
};
