import { ksCritical, ksDistance } from "./ks.js";

/*
 * The arrival process of a recording: its rate, and whether the gaps between arrivals look
 * exponential (Poisson arrivals), nearly constant (a fixed rate), or neither. A process that is
 * neither is written as Poisson at the same rate, with a warning, unless fit is asked to replay
 * the recorded times (`--arrivals replay`), which needs no fit at all.
 */

export interface FittedArrivals {
  kind: "poisson" | "fixed";
  /** Arrivals per second. */
  rate: number;
  count: number;
  /** Coefficient of variation of the gaps (1 for Poisson, 0 for a fixed rate). */
  cv: number;
  /** KS distance of the gaps to an exponential distribution at the same rate. */
  ks: number;
  /** The KS distance that rejects it at the 1% level. */
  critical: number;
  /** Why the chosen kind is only an approximation, when it is. */
  warning: string | null;
}

/** Fits the arrival process to arrival times (ns, any order; at least two). */
export function fitArrivals(times: readonly number[]): FittedArrivals {
  const sorted = [...times].sort((a, b) => a - b);
  if (sorted.length < 2) throw new RangeError(`invalid arrivals: ${sorted.length} (expected at least 2 to fit a rate)`);
  const gaps = sorted.slice(1).map((t, i) => t - (sorted[i] as number));
  const span = (sorted[sorted.length - 1] as number) - (sorted[0] as number);
  const mean = span / gaps.length;
  const rate = mean > 0 ? 1e9 / mean : Number.POSITIVE_INFINITY;
  const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / Math.max(1, gaps.length - 1));
  const cv = mean > 0 ? sd / mean : 0;
  const sortedGaps = [...gaps].sort((a, b) => a - b);
  const ks = mean > 0 ? ksDistance(sortedGaps, (x) => 1 - Math.exp(-x / mean)) : 1;
  const critical = ksCritical(gaps.length, 0.01);
  const base = { rate, count: sorted.length, cv, ks, critical };
  if (!Number.isFinite(rate)) {
    return {
      ...base,
      rate: 1e9,
      kind: "fixed",
      warning: "every task arrived at once; written as a fixed rate of 1e9/s",
    };
  }
  if (cv < 0.2) return { ...base, kind: "fixed", warning: null };
  const warning =
    ks <= critical
      ? null
      : `the gaps between arrivals are not exponential (cv ${cv.toFixed(2)}, KS distance ${ks.toFixed(3)} > ${critical.toFixed(3)}): the scenario uses Poisson arrivals at the same rate, which ${cv > 1 ? "understates the bursts" : "overstates the spread"} (gilsim fit --arrivals replay replays the recorded times instead)`;
  return { ...base, kind: "poisson", warning };
}
