/**
 * Upper bounds (inclusive, milliseconds) of the latency histogram kept per window; one more bucket
 * counts everything slower. Latency SLO thresholds must be one of these bounds so that "slower than
 * the threshold" is an exact count rather than an estimate.
 */
export const LATENCY_BOUNDS_MS = [
  1, 2, 5, 10, 25, 50, 75, 100, 150, 200, 250, 300, 400, 500, 750, 1000, 1500, 2000, 2500, 3000, 4000, 5000, 7500, 10000, 15000, 20000,
  30000, 60000,
] as const;

export const LATENCY_BUCKET_COUNT = LATENCY_BOUNDS_MS.length + 1;

/** The index of the bucket a duration falls in (binary search over the bounds). */
export function latencyBucketOf(durationMs: number): number {
  let low = 0;
  let high: number = LATENCY_BOUNDS_MS.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (durationMs <= (LATENCY_BOUNDS_MS[middle] as number)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** Estimates a percentile (0..1) from bucket counts, interpolating linearly inside the bucket. */
export function percentileOf(buckets: readonly number[], quantile: number): number | null {
  const total = buckets.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = quantile * total;
  let seen = 0;
  for (let index = 0; index < buckets.length; index++) {
    const count = buckets[index] ?? 0;
    if (count > 0 && seen + count >= rank) {
      const lower = index === 0 ? 0 : (LATENCY_BOUNDS_MS[index - 1] as number);
      // The open-ended last bucket has no upper bound: report its lower bound.
      const upper = LATENCY_BOUNDS_MS[index] ?? lower;
      return lower + ((upper - lower) * (rank - seen)) / count;
    }
    seen += count;
  }
  return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1] ?? null;
}

/** The first bucket whose requests are slower than the threshold (the threshold is one of the bounds). */
export function firstBucketAbove(thresholdMs: number): number {
  const index = LATENCY_BOUNDS_MS.indexOf(thresholdMs as (typeof LATENCY_BOUNDS_MS)[number]);
  if (index < 0) throw new Error(`latency threshold ${thresholdMs} ms is not a histogram bound`);
  return index + 1;
}
