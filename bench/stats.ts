/** Median, min and max of repeated measurements; percentiles of latencies. Pure. */

export interface Stat {
  median: number;
  min: number;
  max: number;
  /** How many measurements. */
  n: number;
}

export function summarize(values: readonly number[]): Stat {
  if (values.length === 0) throw new Error('summarize: no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number, n: sorted.length };
}

/** rows per second at the median time (0 when nothing was timed). */
export function rate(rows: number, ms: Stat): number {
  return ms.median > 0 ? rows / (ms.median / 1000) : 0;
}

/**
 * The p-th percentile (0 < p ≤ 100) by the nearest-rank method: the smallest value with at least
 * p % of the values at or below it, so p95 of 20 requests is the 19th fastest.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile: no values');
  if (!(p > 0 && p <= 100)) throw new Error(`percentile: p must be in (0, 100], got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}
