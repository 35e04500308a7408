import { sql } from 'drizzle-orm';
import { Counter, Histogram } from 'prom-client';
import type { Database, Logger, Redactor } from '../../platform/index.ts';
import { defineMetric, isDataError, metricsRegistry } from '../../platform/index.ts';
import { LATENCY_BUCKET_COUNT, latencyBucketOf } from './latency-buckets.ts';
import type { NewErrorSpan } from './schema/error-spans.ts';
import { errorSpans } from './schema/error-spans.ts';
import { serviceWindows } from './schema/service-windows.ts';
import type { ResourceRecord, SpanRecord, TraceBatch } from './trace-batch.ts';
import { isErrorSpan } from './trace-batch.ts';

export interface AggregatorOptions {
  windowSeconds: number;
  /** Error spans kept as evidence per service per minute (per replica). */
  evidencePerMinute: number;
  /** Distinct span names per service per window; the rest are counted under OTHER_OPERATION. */
  maxOperationsPerService: number;
  /** Buffered window rows beyond which ingestion answers 503 (the database is not keeping up). */
  maxPendingRows: number;
  /** Replaces sensitive values in what evidence keeps (attributes, exception, status message); null: kept as sent. */
  redactor?: Redactor | null;
  logger: Logger;
}

/** Where span names beyond a service's operation budget are counted (high-cardinality names such as raw URLs). */
export const OTHER_OPERATION = '(other)';
const STACKTRACE_LIMIT = 4096;
/**
 * Spans are counted in the window of their end time, so that a backlog delivered late lands where it
 * happened (and does not inflate the present). Only spans stamped in the future beyond this (a skewed
 * clock) are counted at arrival instead.
 */
const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;
const ROWS_PER_STATEMENT = 2000;

interface WindowAccumulator {
  service: string;
  spanName: string;
  spanKind: number;
  windowStartMs: number;
  requests: number;
  errors: number;
  latencySumMs: number;
  buckets: number[];
}

const spansIngested = defineMetric(
  'firebreak_spans_ingested_total',
  () =>
    new Counter({
      name: 'firebreak_spans_ingested_total',
      help: 'Spans folded into service health, and error spans kept or dropped as evidence.',
      labelNames: ['outcome'] as const,
      registers: [metricsRegistry],
    }),
);

const flushDuration = defineMetric(
  'firebreak_trace_flush_duration_seconds',
  () =>
    new Histogram({
      name: 'firebreak_trace_flush_duration_seconds',
      help: 'Time to write one window of service health and evidence to the database.',
      labelNames: ['result'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [metricsRegistry],
    }),
);

const flushRowsDropped = defineMetric(
  'firebreak_trace_flush_rows_dropped_total',
  () =>
    new Counter({
      name: 'firebreak_trace_flush_rows_dropped_total',
      help: 'Service-health rows (windows, evidence) the database refused and a flush dropped so that the others were written.',
      labelNames: ['kind'] as const,
      registers: [metricsRegistry],
    }),
);

/**
 * Folds spans, per replica and in memory, into per-service windows of request count, error count and
 * a latency histogram, and keeps a bounded sample of error spans as evidence. flush() writes what has
 * gathered in one transaction: one multi-row upsert of windows and one insert of evidence.
 */
export class ServiceHealthAggregator {
  private windows = new Map<string, WindowAccumulator>();
  private evidence: NewErrorSpan[] = [];
  private operations = new Map<string, Set<string>>();
  private evidenceBudget = new Map<string, number>();
  private readonly windowMs: number;

  constructor(private readonly options: AggregatorOptions) {
    this.windowMs = options.windowSeconds * 1000;
  }

  /** True while the database lags so far behind that new spans should be refused (503). */
  get backedUp(): boolean {
    return this.windows.size >= this.options.maxPendingRows;
  }

  get pending(): { windows: number; evidence: number } {
    return { windows: this.windows.size, evidence: this.evidence.length };
  }

  /** Folds a decoded batch in; nothing is written until flush(). */
  record(batch: TraceBatch, receivedAtMs: number = Date.now()): void {
    let kept = 0;
    let dropped = 0;
    for (const resource of batch.resources) {
      let names = this.operations.get(resource.serviceName);
      if (!names) {
        names = new Set();
        this.operations.set(resource.serviceName, names);
      }
      for (const span of resource.spans) {
        const isError = isErrorSpan(span);
        let endMs = span.startMs + span.durationMs;
        if (endMs > receivedAtMs + MAX_FUTURE_SKEW_MS) endMs = receivedAtMs;
        let name = span.name;
        if (!names.has(name)) {
          if (names.size < this.options.maxOperationsPerService) names.add(name);
          else name = OTHER_OPERATION;
        }
        this.count(resource.serviceName, name, span.kind, endMs - (endMs % this.windowMs), span.durationMs, isError);
        if (isError && span.details) {
          if (this.keepEvidence(resource, span, endMs)) kept++;
          else dropped++;
        }
      }
    }
    spansIngested.inc({ outcome: 'accepted' }, batch.acceptedSpans);
    if (batch.rejectedSpans) spansIngested.inc({ outcome: 'rejected' }, batch.rejectedSpans);
    if (kept) spansIngested.inc({ outcome: 'evidence_kept' }, kept);
    if (dropped) spansIngested.inc({ outcome: 'evidence_dropped' }, dropped);
  }

  private count(service: string, spanName: string, spanKind: number, windowStartMs: number, durationMs: number, isError: boolean): void {
    const key = `${windowStartMs}\u0000${spanKind}\u0000${service}\u0000${spanName}`;
    let window = this.windows.get(key);
    if (!window) {
      window = {
        service,
        spanName,
        spanKind,
        windowStartMs,
        requests: 0,
        errors: 0,
        latencySumMs: 0,
        buckets: new Array<number>(LATENCY_BUCKET_COUNT).fill(0),
      };
      this.windows.set(key, window);
    }
    window.requests++;
    if (isError) window.errors++;
    window.latencySumMs += durationMs;
    const bucket = latencyBucketOf(durationMs);
    window.buckets[bucket] = (window.buckets[bucket] as number) + 1;
  }

  private keepEvidence(resource: ResourceRecord, span: SpanRecord, endMs: number): boolean {
    const { details } = span;
    if (!details) return false;
    const minute = Math.floor(endMs / 60_000);
    const budgetKey = `${resource.serviceName}\u0000${minute}`;
    const used = this.evidenceBudget.get(budgetKey) ?? 0;
    if (used >= this.options.evidencePerMinute) return false;
    this.evidenceBudget.set(budgetKey, used + 1);
    // Only evidence is stored (other spans are only counted), so only evidence is redacted.
    const redactor = this.options.redactor;
    const exception = span.exception;
    const stacktrace = exception?.stacktrace ? exception.stacktrace.slice(0, STACKTRACE_LIMIT) : null;
    const redact = (text: string, source: 'span_event' | 'span_status') => (redactor ? redactor.text(text, source) : text);
    this.evidence.push({
      traceId: details.traceId,
      spanId: details.spanId,
      parentSpanId: details.parentSpanId || null,
      service: resource.serviceName,
      spanName: span.name,
      spanKind: span.kind,
      startedAt: new Date(endMs - span.durationMs),
      durationMs: span.durationMs,
      statusCode: span.statusCode,
      statusMessage: redact(span.statusMessage, 'span_status'),
      httpStatus: span.httpStatus || null,
      exceptionType: exception?.type || null,
      exceptionMessage: exception?.message ? redact(exception.message, 'span_event') : null,
      exceptionStacktrace: stacktrace ? redact(stacktrace, 'span_event') : null,
      attributes: redactor ? redactor.value(details.attributes, 'span_attribute') : details.attributes,
      resource: redactor ? redactor.record(resource.attributes, 'span_resource') : resource.attributes,
    });
    return true;
  }

  /**
   * Writes everything gathered so far, in one transaction. On failure the counts go back into the
   * buffer (nothing is lost; the next flush retries) and the error is rethrown.
   */
  async flush(db: Database): Promise<{ windows: number; evidence: number }> {
    // Two flushes may overlap (the interval and the SLO job): each writes what it took, and the
    // additive upserts make the order irrelevant.
    const windows = this.windows;
    const evidence = this.evidence;
    this.windows = new Map();
    this.evidence = [];
    this.operations = new Map();
    this.pruneEvidenceBudget();
    if (windows.size === 0 && evidence.length === 0) return { windows: 0, evidence: 0 };
    const started = performance.now();
    // Sorted, so that concurrent flushes (other replicas) lock rows in the same order and cannot deadlock.
    const rows = [...windows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, window]) => window);
    try {
      await this.write(db, rows, evidence);
      flushDuration.observe({ result: 'ok' }, (performance.now() - started) / 1000);
      return { windows: windows.size, evidence: evidence.length };
    } catch (error) {
      if (!isDataError(error)) {
        flushDuration.observe({ result: 'failed' }, (performance.now() - started) / 1000);
        this.restore(windows, evidence);
        throw error;
      }
    }
    // The database refused a value (text a sender slipped past the edge): find the rows it refuses by
    // halving, drop them with a metric and a log line, and write every other row.
    try {
      const dropped = { windows: 0, evidence: 0 };
      await this.writeIsolated(db, rows, 'windows', dropped);
      await this.writeIsolated(db, evidence, 'evidence', dropped);
      flushDuration.observe({ result: 'partial' }, (performance.now() - started) / 1000);
      return { windows: windows.size - dropped.windows, evidence: evidence.length - dropped.evidence };
    } catch (error) {
      flushDuration.observe({ result: 'failed' }, (performance.now() - started) / 1000);
      // Rows already written by the isolation pass are written: only a failure of the database itself
      // gets here, and putting back everything would count those twice; what failed is lost with a log line.
      this.options.logger.error({ err: error }, 'service health flush failed while isolating a refused row');
      throw error;
    }
  }

  private async write(db: Database, windows: WindowAccumulator[], evidence: NewErrorSpan[]): Promise<void> {
    await db.transaction(async (tx) => {
      for (let i = 0; i < windows.length; i += ROWS_PER_STATEMENT) {
        await tx
          .insert(serviceWindows)
          .values(windows.slice(i, i + ROWS_PER_STATEMENT).map((window) => this.windowRow(window)))
          .onConflictDoUpdate({
            target: [serviceWindows.service, serviceWindows.spanName, serviceWindows.spanKind, serviceWindows.windowStart],
            set: {
              requests: sql`${serviceWindows.requests} + excluded.requests`,
              errors: sql`${serviceWindows.errors} + excluded.errors`,
              latencySumMs: sql`${serviceWindows.latencySumMs} + excluded.latency_sum_ms`,
              latencyBuckets: sql`(select array_agg(coalesce(a, 0) + coalesce(b, 0) order by i)
                from unnest(${serviceWindows.latencyBuckets}, excluded.latency_buckets) with ordinality as sums(a, b, i))`,
            },
          });
      }
      for (let i = 0; i < evidence.length; i += ROWS_PER_STATEMENT) {
        await tx
          .insert(errorSpans)
          .values(evidence.slice(i, i + ROWS_PER_STATEMENT))
          .onConflictDoNothing();
      }
    });
  }

  private async writeIsolated<Row extends WindowAccumulator | NewErrorSpan>(
    db: Database,
    rows: Row[],
    kind: 'windows' | 'evidence',
    dropped: { windows: number; evidence: number },
  ): Promise<void> {
    if (rows.length === 0) return;
    try {
      if (kind === 'windows') await this.write(db, rows as WindowAccumulator[], []);
      else await this.write(db, [], rows as NewErrorSpan[]);
      return;
    } catch (error) {
      if (!isDataError(error)) throw error;
      if (rows.length === 1) {
        dropped[kind]++;
        flushRowsDropped.inc({ kind });
        const row = rows[0] as Row;
        this.options.logger.warn(
          { kind, service: JSON.stringify(row.service).slice(0, 200), err: error },
          'service health row refused by the database; dropped so that the others are written',
        );
        return;
      }
    }
    const half = Math.ceil(rows.length / 2);
    await this.writeIsolated(db, rows.slice(0, half), kind, dropped);
    await this.writeIsolated(db, rows.slice(half), kind, dropped);
  }

  private windowRow(window: WindowAccumulator) {
    return {
      service: window.service,
      spanName: window.spanName,
      spanKind: window.spanKind,
      windowStart: new Date(window.windowStartMs),
      windowSeconds: this.options.windowSeconds,
      requests: window.requests,
      errors: window.errors,
      latencySumMs: window.latencySumMs,
      latencyBuckets: window.buckets,
    };
  }

  private restore(windows: Map<string, WindowAccumulator>, evidence: NewErrorSpan[]): void {
    for (const [key, window] of windows) {
      const current = this.windows.get(key);
      if (!current) {
        this.windows.set(key, window);
        continue;
      }
      current.requests += window.requests;
      current.errors += window.errors;
      current.latencySumMs += window.latencySumMs;
      window.buckets.forEach((count, index) => {
        current.buckets[index] = (current.buckets[index] as number) + count;
      });
    }
    // Evidence is a sample: keep what fits within a bound rather than growing without limit.
    this.evidence = [...evidence, ...this.evidence].slice(0, this.options.evidencePerMinute * 100);
    this.options.logger.warn(
      { windows: windows.size, evidence: evidence.length },
      'service health flush failed; kept in memory for the next one',
    );
  }

  private pruneEvidenceBudget(): void {
    // Minutes long past keep no budget: late spans for them are rare and the map must not grow.
    const oldest = Math.floor(Date.now() / 60_000) - 70;
    for (const key of this.evidenceBudget.keys()) {
      const minute = Number(key.slice(key.lastIndexOf('\u0000') + 1));
      if (minute < oldest) this.evidenceBudget.delete(key);
    }
  }
}
