import { normalCdf } from "../engine/distributions.js";
import { regularizedGammaP } from "./incomplete-gamma.js";
import { ksCritical, ksDistance, ksDistanceDiscrete } from "./ks.js";

/*
 * A step's duration distribution from measured values: a constant, a fitted lognormal or gamma,
 * or the empirical distribution itself (compressed to about 100 mean-preserving quantile bins),
 * with the Kolmogorov-Smirnov distance of each to the data, so the fit's quality is stated.
 */

export const DIST_CHOICES = ["auto", "empirical", "fitted"] as const;
/** auto: a fitted lognormal or gamma when the data cannot tell it apart (KS at 1%), else empirical. */
export type DistChoice = (typeof DIST_CHOICES)[number];

export type FittedKind = "constant" | "lognormal" | "gamma" | "empirical";

export interface FittedDistribution {
  n: number;
  /** Moments and quantiles of the data, ns. */
  mean: number;
  sd: number;
  p50: number;
  p99: number;
  max: number;
  chosen: FittedKind;
  /** The distribution in scenario-file syntax ("12.5us", {"dist": "gamma", ...}). */
  input: unknown;
  /** KS distance of the chosen distribution to the data. */
  ks: number;
  /** Every candidate tried, with its KS distance. */
  candidates: { kind: FittedKind; ks: number }[];
  /** The KS distance that rejects a model at the 1% level for this many values. */
  critical: number;
}

/** Steps shorter than this on average are written as constants: their spread is timer noise. */
export const TINY_NS = 2_000;

/** A duration in scenario syntax with nanosecond precision: "12.345us". */
export function us(ns: number): string {
  const text = (Math.round(ns) / 1000).toFixed(3).replace(/\.?0+$/, "");
  return `${text}us`;
}

function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] as number;
  return a + (h - lo) * (b - a);
}

/** Quantile bins: 1% wide to the 99th percentile, then 99-99.5, 99.5-99.9 and the top 0.1%. */
const EDGES = [...Array.from({ length: 100 }, (_, i) => i / 100), 0.995, 0.999, 1];

/** The empirical distribution compressed to bins, each its values' mean (so the mean is kept exactly). */
export function compressEmpirical(sorted: readonly number[]): { values: number[]; weights: number[] } {
  const n = sorted.length;
  const values: number[] = [];
  const weights: number[] = [];
  if (n <= 120) {
    for (const v of sorted) {
      if (values.length > 0 && values[values.length - 1] === v) weights[weights.length - 1]! += 1 / n;
      else {
        values.push(v);
        weights.push(1 / n);
      }
    }
    return { values, weights };
  }
  for (let b = 0; b + 1 < EDGES.length; b++) {
    const lo = Math.round((EDGES[b] as number) * n);
    const hi = Math.round((EDGES[b + 1] as number) * n);
    if (hi <= lo) continue;
    let sum = 0;
    for (let i = lo; i < hi; i++) sum += sorted[i] as number;
    const v = Math.round(sum / (hi - lo));
    if (values.length > 0 && values[values.length - 1] === v) weights[weights.length - 1]! += (hi - lo) / n;
    else {
      values.push(v);
      weights.push((hi - lo) / n);
    }
  }
  return { values, weights };
}

/** Fits a duration distribution to `values` (ns, at least one). */
export function fitDistribution(values: readonly number[], choice: DistChoice = "auto"): FittedDistribution {
  if (values.length === 0) throw new RangeError("invalid values: [] (expected at least one measured duration)");
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = sorted.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(sorted.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1));
  const base = {
    n,
    mean,
    sd,
    p50: quantileSorted(sorted, 0.5),
    p99: quantileSorted(sorted, 0.99),
    max: sorted[n - 1] as number,
    critical: ksCritical(n, 0.01),
  };
  if (mean < TINY_NS || sd <= mean * 0.01 || n < 5) {
    const ks = ksDistance(sorted, (x) => (x >= mean ? 1 : 0));
    return { ...base, chosen: "constant", input: us(mean), ks, candidates: [{ kind: "constant", ks }] };
  }
  const candidates: { kind: FittedKind; ks: number; input: unknown }[] = [];
  if ((sorted[0] as number) > 0) {
    const logs = sorted.map(Math.log);
    const mu = logs.reduce((a, b) => a + b, 0) / n;
    const sigma = Math.sqrt(logs.reduce((a, b) => a + (b - mu) ** 2, 0) / n);
    if (sigma > 0) {
      candidates.push({
        kind: "lognormal",
        ks: ksDistance(sorted, (x) => normalCdf((Math.log(x) - mu) / sigma)),
        input: { dist: "lognormal", mu, sigma, unit: "ns" },
      });
    }
  }
  const shape = (mean / sd) ** 2;
  const scale = mean / shape;
  candidates.push({
    kind: "gamma",
    ks: ksDistance(sorted, (x) => regularizedGammaP(shape, x / scale)),
    input: { dist: "gamma", shape: Number(shape.toPrecision(6)), mean: us(mean) },
  });
  const emp = compressEmpirical(sorted);
  candidates.push({
    kind: "empirical",
    ks: ksDistanceDiscrete(sorted, emp.values, emp.weights),
    input: {
      dist: "empirical",
      values: emp.values.map(us),
      weights: emp.weights.map((w) => Number(w.toPrecision(6))),
    },
  });
  const fitted = candidates.filter((c) => c.kind !== "empirical").sort((a, b) => a.ks - b.ks)[0];
  const empirical = candidates[candidates.length - 1] as (typeof candidates)[number];
  const pick =
    choice === "empirical" || !fitted
      ? empirical
      : choice === "fitted" || fitted.ks <= base.critical
        ? fitted
        : empirical;
  return {
    ...base,
    chosen: pick.kind,
    input: pick.input,
    ks: pick.ks,
    candidates: candidates.map((c) => ({ kind: c.kind, ks: c.ks })),
  };
}
