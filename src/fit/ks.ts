/*
 * The Kolmogorov-Smirnov distance between a sample and a distribution: the largest gap between
 * the sample's empirical CDF and the model's CDF, D = sup |F_n(x) - F(x)|. With n values, a
 * distance above 1.36 / sqrt(n) rejects the model at the 5% level (Kolmogorov's asymptotic
 * critical value), 1.63 / sqrt(n) at 1%.
 */

/** D between the sample (sorted ascending) and a continuous CDF. */
export function ksDistance(sorted: readonly number[], cdf: (x: number) => number): number {
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i] as number);
    d = Math.max(d, f - i / n, (i + 1) / n - f);
  }
  return d;
}

/**
 * D between the sample (sorted ascending) and a discrete distribution on `values` (ascending)
 * with probabilities `weights` (summing to 1): compared at every jump of either step function.
 */
export function ksDistanceDiscrete(
  sorted: readonly number[],
  values: readonly number[],
  weights: readonly number[],
): number {
  const n = sorted.length;
  const points = [...new Set([...sorted, ...values])].sort((a, b) => a - b);
  let i = 0;
  let j = 0;
  let model = 0;
  let d = 0;
  for (const x of points) {
    while (i < n && (sorted[i] as number) <= x) i++;
    while (j < values.length && (values[j] as number) <= x) model += weights[j++] as number;
    d = Math.max(d, Math.abs(i / n - model));
  }
  // Just below each point, the left limits: the sample's and the model's previous steps.
  i = 0;
  j = 0;
  model = 0;
  for (const x of points) {
    while (i < n && (sorted[i] as number) < x) i++;
    while (j < values.length && (values[j] as number) < x) model += weights[j++] as number;
    d = Math.max(d, Math.abs(i / n - model));
  }
  return d;
}

/** The critical KS distance for n values at the 5% (alpha 0.05) or 1% (0.01) level. */
export function ksCritical(n: number, alpha: 0.05 | 0.01 = 0.05): number {
  return (alpha === 0.05 ? 1.358 : 1.628) / Math.sqrt(n);
}
