/**
 * A measured value with an optional confidence interval: a bare number, or the {mean, lo, hi}
 * that replicate() summarizes each metric to (its extra fields, such as halfWidth, are ignored).
 */
export type Estimate = number | { mean: number; lo: number; hi: number };

export interface Resolved {
  mean: number;
  /** Equal to mean when the estimate carries no interval. */
  lo: number;
  hi: number;
  hasInterval: boolean;
}

/** Checks and unpacks an estimate; `name` says which one in the error, e.g. "points[3].latency". */
export function resolveEstimate(name: string, value: Estimate): Resolved {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError(`invalid ${name}: ${value} (expected a finite number)`);
    return { mean: value, lo: value, hi: value, hasInterval: false };
  }
  const { mean, lo, hi } = value ?? {};
  if (![mean, lo, hi].every((v) => typeof v === "number" && Number.isFinite(v)) || !(lo <= mean && mean <= hi)) {
    throw new RangeError(
      `invalid ${name}: {mean: ${mean}, lo: ${lo}, hi: ${hi}} (expected finite numbers with lo <= mean <= hi)`,
    );
  }
  return { mean, lo, hi, hasInterval: lo < hi };
}
