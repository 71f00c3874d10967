// The one histogram class used, imported alone: the package's index also loads its WebAssembly
// build and its log encoder (zlib), several times the start-up cost.
import Float64HistogramModule from "hdr-histogram-js/dist/Float64Histogram.js";
import type { Nanos } from "../engine/time.js";
import type { Quantiles } from "./types.js";

/** Significant decimal digits the histogram keeps: every quantile is within 0.1% of the exact one. */
export const SKETCH_DIGITS = 3;
/** The stated relative error bound of a quantile from a LatencySketch. */
export const SKETCH_RELATIVE_ERROR = 10 ** -SKETCH_DIGITS;

/**
 * A LatencySketch as plain data, to cross to another process or into a file: the same sketch
 * gives the same data, to the byte, on every machine (no compressor whose output may vary).
 */
export interface SketchData {
  count: number;
  /** Sum of the recorded values, ns (each rounded to an integer, so the sum is exact below 2^53). */
  sum: number;
  max: Nanos;
  /** The histogram's non-empty buckets, in increasing order: each bucket's highest value, then its count. */
  buckets: number[];
}

/**
 * The range a new histogram covers before it resizes: 2^31 ns (about 2.1 s), every latency of a
 * typical run. Starting from [1, 2] it resized about 23 times as the values came, a new counts
 * array each time (a tenth of a preset's simulation on a cold start); the buckets, and so every
 * quantile and toData(), do not depend on it.
 */
const INITIAL_HIGHEST = 2 ** 31;

type Float64Histogram = InstanceType<typeof Float64HistogramModule.default>;

/**
 * A Float64Histogram. Node gives a CommonJS module's exports as the default import; a bundler may
 * give its `default` export instead (the class itself): both are accepted.
 */
function newHistogram(): Float64Histogram {
  const exported = Float64HistogramModule as unknown as
    | typeof Float64HistogramModule
    | typeof Float64HistogramModule.default;
  const Histogram = typeof exported === "function" ? exported : exported.default;
  const histogram = new Histogram(1, INITIAL_HIGHEST, SKETCH_DIGITS);
  histogram.autoResize = true;
  return histogram;
}

/** Values below this (2^31 ns, about 2.1 s) take recordInto's integer path. */
const INT_LIMIT = 2 ** 31;

/**
 * The histogram's counts index of an integer value below 2^31: its countsArrayIndex with the
 * powers of two found by Math.clz32 and a shift instead of Math.log2, Math.pow and a division (the
 * library's arithmetic is exact for such values, so the index is the same; see sketch.test.ts).
 */
export function countsIndex(histogram: Float64Histogram, v: number): number {
  const unit = histogram.unitMagnitude;
  const half = histogram.subBucketHalfCountMagnitude;
  const bucket = Math.max(31 - Math.clz32(v) - half - unit, 0);
  return (bucket << half) + (v >>> (bucket + unit));
}

/**
 * histogram.recordValue(v) for an integer v of at least 0: the same steps as its
 * recordSingleValue (count, min and max, total), with the index from countsIndex. A value it does
 * not cover, or one too large for the integer path, goes through recordValue itself (which
 * resizes the histogram).
 */
function recordInto(histogram: Float64Histogram, v: number): void {
  if (v < INT_LIMIT) {
    const i = countsIndex(histogram, v);
    if (i < histogram.countsArrayLength) {
      histogram.incrementCountAtIndex(i);
      histogram.updateMinAndMax(v);
      histogram.incrementTotalCount();
      return;
    }
  }
  histogram.recordValue(v);
}

/**
 * Latencies in bounded memory: an HDR histogram (hdr-histogram-js, 3 significant digits, so a
 * quantile is within 0.1% of the exact value) plus an exact count, sum and maximum. Memory stays
 * a few hundred kilobytes whatever the number of samples.
 */
export class LatencySketch {
  // What hdr.build({ bitBucketSize: 64, autoResize: true, numberOfSignificantValueDigits }) makes:
  // a Float64Histogram over [1, 2], resized as values come.
  private readonly histogram = newHistogram();
  private count = 0;
  private sum = 0;
  private max = 0;

  record(ns: Nanos): void {
    const v = Math.max(0, Math.round(ns));
    recordInto(this.histogram, v);
    this.count++;
    this.sum += v;
    if (v > this.max) this.max = v;
  }

  /**
   * Adds another sketch's samples: the sketch of several runs pooled, whose quantiles are those
   * of all their samples together (not an average of each run's quantiles).
   */
  add(other: LatencySketch): void {
    this.histogram.add(other.histogram);
    this.count += other.count;
    this.sum += other.sum;
    if (other.max > this.max) this.max = other.max;
  }

  toData(): SketchData {
    const buckets: number[] = [];
    const it = this.histogram.recordedValuesIterator;
    it.reset();
    while (it.hasNext()) {
      const bucket = it.next();
      buckets.push(bucket.valueIteratedTo, bucket.countAtValueIteratedTo);
    }
    return { count: this.count, sum: this.sum, max: this.max, buckets };
  }

  static fromData(data: SketchData): LatencySketch {
    const sketch = new LatencySketch();
    const b = data.buckets;
    for (let i = 0; i + 1 < b.length; i += 2) sketch.histogram.recordValueWithCount(b[i] as number, b[i + 1] as number);
    sketch.count = data.count;
    sketch.sum = data.sum;
    sketch.max = data.max;
    return sketch;
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
