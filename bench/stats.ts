/** Median, min and max of repeated measurements. Pure. */

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
