/**
 * The numbers behind an ECDF figure: nearest-rank quantiles and the step points of the empirical
 * distribution function, thinned for large samples.
 */

/** A sorted copy of the sample; throws when it is empty or holds a non-finite value. */
export function sortedSample(name: string, values: ArrayLike<number>): Float64Array {
  if (values.length === 0) throw new RangeError(`invalid ${name}: empty (expected at least one value)`);
  const sorted = Float64Array.from(values);
  for (let i = 0; i < sorted.length; i++) {
    if (!Number.isFinite(sorted[i] as number)) {
      throw new RangeError(`invalid ${name}[${i}]: ${sorted[i]} (expected a finite number)`);
    }
  }
  return sorted.sort();
}

/** The nearest-rank p-quantile: the smallest sample value x with F(x) >= p. */
export function nearestRank(sorted: Float64Array, p: number): number {
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length - 1e-9)));
  return sorted[rank - 1] as number;
}

export interface Step {
  x: number;
  /** F(x): share of the sample at or below x, in [0, 1]. */
  y: number;
}

/**
 * The ECDF as points for a step-after line: (min, 0), then (x, F(x)) at each distinct value.
 * With more than `maxPoints` values, keeps a step only once `n / maxPoints` ranks have passed
 * since the last kept one (always the last), so the drawn curve is never more than about
 * 1/maxPoints below the exact one.
 */
export function ecdfSteps(sorted: Float64Array, maxPoints = 1000): Step[] {
  const n = sorted.length;
  const steps: Step[] = [{ x: sorted[0] as number, y: 0 }];
  const stride = Math.max(1, Math.floor(n / maxPoints));
  let next = stride;
  for (let i = 0; i < n; i++) {
    if (i !== n - 1 && (sorted[i + 1] === sorted[i] || i + 1 < next)) continue;
    steps.push({ x: sorted[i] as number, y: (i + 1) / n });
    next = i + 1 + stride;
  }
  return steps;
}
