/*
 * Summaries of measured samples: quantiles, and the median of each group of points.
 */

/** One measured quantity: the median and the 99th percentile of its samples. */
export interface Summary {
  median: number;
  p99: number;
  /** Number of samples. */
  n: number;
}

/** The q-quantile of `values` (0 <= q <= 1), interpolated between order statistics; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] as number;
  return a + (h - lo) * (b - a);
}

/** Median and p99 of a sample. */
export function summarize(values: readonly number[]): Summary {
  return { median: quantile(values, 0.5), p99: quantile(values, 0.99), n: values.length };
}

/** The median y of each distinct x, as points sorted by x (a fit through these resists outliers). */
export function mediansByX(points: readonly (readonly [number, number])[]): [number, number][] {
  const groups = new Map<number, number[]>();
  for (const [x, y] of points) {
    const g = groups.get(x);
    if (g) g.push(y);
    else groups.set(x, [y]);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([x, ys]) => [x, quantile(ys, 0.5)]);
}
