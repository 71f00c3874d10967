import * as hdr from "hdr-histogram-js";
import type { Nanos } from "../engine/time.js";
import type { Quantiles } from "./types.js";

/** Significant decimal digits the histogram keeps: every quantile is within 0.1% of the exact one. */
export const SKETCH_DIGITS = 3;
/** The stated relative error bound of a quantile from a LatencySketch. */
export const SKETCH_RELATIVE_ERROR = 10 ** -SKETCH_DIGITS;

/**
 * Latencies in bounded memory: an HDR histogram (hdr-histogram-js, 3 significant digits, so a
 * quantile is within 0.1% of the exact value) plus an exact count, sum and maximum. Memory stays
 * a few hundred kilobytes whatever the number of samples.
 */
export class LatencySketch {
  private readonly histogram = hdr.build({
    bitBucketSize: 64,
    autoResize: true,
    numberOfSignificantValueDigits: SKETCH_DIGITS,
    useWebAssembly: false,
  });
  private count = 0;
  private sum = 0;
  private max = 0;

  record(ns: Nanos): void {
    const v = Math.max(0, Math.round(ns));
    this.histogram.recordValue(v);
    this.count++;
    this.sum += v;
    if (v > this.max) this.max = v;
  }

  get size(): number {
    return this.count;
  }

  /** The value at quantile q in [0, 1] (the histogram's highest equivalent value, capped at the exact max). */
  quantile(q: number): Nanos {
    if (this.count === 0) return 0;
    return Math.min(this.max, this.histogram.getValueAtPercentile(q * 100));
  }

  summary(): Quantiles {
    return {
      count: this.count,
      mean: this.count === 0 ? 0 : this.sum / this.count,
      p50: this.quantile(0.5),
      p90: this.quantile(0.9),
      p95: this.quantile(0.95),
      p99: this.quantile(0.99),
      max: this.max,
    };
  }
}
