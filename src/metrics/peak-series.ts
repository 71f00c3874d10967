import type { Nanos } from "../engine/time.js";

/** At most this many points are kept; past it, neighbouring buckets merge, keeping their peaks. */
const MAX_POINTS = 2048;

/** One bucket of a peak series: its start time and the largest value of each field seen in it. */
export type PeakPoint<F extends string> = { time: Nanos } & Record<F, number>;

/**
 * Values over time in bounded memory: time is cut into buckets (1 ms to start) whose width
 * doubles whenever the series would grow past MAX_POINTS; each bucket keeps the largest value of
 * each field. Used for queue lengths and loop lag, whatever the length of the run.
 *
 * Every task event records a point, so this is on the simulator's hot path. The buckets are kept
 * as two flat arrays in time order (bucket keys, and the fields' peaks bucket after bucket):
 * time runs forward, so a record almost always lands in the last bucket or opens the next one,
 * and merging neighbours when the width doubles is one pass in place.
 */
export class PeakSeries<F extends string> {
  private width = 1_000_000;
  /** Bucket keys (start time / width), ascending. */
  private readonly keys: number[] = [];
  /** The peaks: fields.length values per bucket, in the order of `keys`. */
  private readonly peaks: number[] = [];
  private readonly n: number;

  constructor(private readonly fields: readonly F[]) {
    this.n = fields.length;
  }

  /** Raises the bucket of `time` to `values` (which are read, not kept). */
  record(time: Nanos, values: Record<F, number>): void {
    const key = Math.floor(time / this.width);
    const keys = this.keys;
    const last = keys.length - 1;
    // Time runs forward: most records raise the last bucket or open the next one.
    if (last >= 0 && key === keys[last]) {
      this.raise(last, values);
      return;
    }
    if (last < 0 || key > (keys[last] as number)) {
      keys.push(key);
      for (let f = 0; f < this.n; f++) this.peaks.push(values[this.fields[f] as F]);
    } else {
      // An earlier bucket (records out of time order): raise it, or open it in its place.
      let lo = 0;
      let hi = last;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((keys[mid] as number) < key) lo = mid + 1;
        else hi = mid;
      }
      if (keys[lo] === key) {
        this.raise(lo, values);
        return;
      }
      keys.splice(lo, 0, key);
      this.peaks.splice(lo * this.n, 0, ...this.fields.map((f) => values[f]));
    }
    if (keys.length > MAX_POINTS) this.coarsen();
  }

  private raise(at: number, values: Record<F, number>): void {
    const base = at * this.n;
    const peaks = this.peaks;
    for (let f = 0; f < this.n; f++) {
      const v = values[this.fields[f] as F];
      if (v > (peaks[base + f] as number)) peaks[base + f] = v;
    }
  }

  /** Doubles the width: neighbouring buckets whose keys halve to the same key merge, in place. */
  private coarsen(): void {
    this.width *= 2;
    const { keys, peaks, n } = this;
    let out = -1;
    for (let i = 0; i < keys.length; i++) {
      const key = Math.floor((keys[i] as number) / 2);
      if (out >= 0 && keys[out] === key) {
        for (let f = 0; f < n; f++) {
          const v = peaks[i * n + f] as number;
          if (v > (peaks[out * n + f] as number)) peaks[out * n + f] = v;
        }
        continue;
      }
      out++;
      keys[out] = key;
      for (let f = 0; f < n; f++) peaks[out * n + f] = peaks[i * n + f] as number;
    }
    keys.length = out + 1;
    peaks.length = (out + 1) * n;
  }

  points(): PeakPoint<F>[] {
    return this.keys.map((key, i) => {
      const p = { time: key * this.width } as PeakPoint<F>;
      for (let f = 0; f < this.n; f++)
        (p as Record<F, number>)[this.fields[f] as F] = this.peaks[i * this.n + f] as number;
      return p;
    });
  }
}
