import { lt } from 'drizzle-orm';
import type { Database } from '../../platform/index.ts';
import { errorSpans } from './schema/error-spans.ts';
import { serviceWindows } from './schema/service-windows.ts';

export interface TraceRetention {
  windowDays: number;
  evidenceDays: number;
}

/** The 'trace-retention' job: drops health windows and evidence older than their retention. */
export async function purgeTraceData(tx: Database, now: Date, retention: TraceRetention): Promise<{ windows: number; evidence: number }> {
  const day = 24 * 60 * 60 * 1000;
  const windows = await tx
    .delete(serviceWindows)
    .where(lt(serviceWindows.windowStart, new Date(now.getTime() - retention.windowDays * day)))
    .returning({ service: serviceWindows.service });
  const evidence = await tx
    .delete(errorSpans)
    .where(lt(errorSpans.receivedAt, new Date(now.getTime() - retention.evidenceDays * day)))
    .returning({ id: errorSpans.id });
  return { windows: windows.length, evidence: evidence.length };
}
