import type { Nanos } from "../engine/time.js";

/** At most this many points are kept; past it, neighbouring buckets merge, keeping their peaks. */
const MAX_POINTS = 2048;

/** One bucket of a peak series: its start time and the largest value of each field seen in it. */
export type PeakPoint<F extends string> = { time: Nanos } & Record<F, number>;

/**
 * Values over time in bounded memory: time is cut into buckets (1 ms to start) whose width
 * doubles whenever the series would grow past MAX_POINTS; each bucket keeps the largest value of
 * each field. Used for queue lengths and loop lag, whatever the length of the run.
 */
export class PeakSeries<F extends string> {
  private width = 1_000_000;
  private readonly buckets = new Map<number, PeakPoint<F>>();
  /** The bucket written last and its key: time runs forward, so most records land in it (no map lookup). */
  private lastKey = Number.NaN;
  private last: PeakPoint<F> | undefined = undefined;

  constructor(private readonly fields: readonly F[]) {}

  /** Raises the bucket of `time` to `values`, which are copied: the caller may reuse the object. */
  record(time: Nanos, values: Record<F, number>): void {
    const key = Math.floor(time / this.width);
    if (key === this.lastKey) {
      this.raise(this.last as PeakPoint<F>, values);
      return;
    }
    const b = this.buckets.get(key);
    if (b) {
      this.raise(b, values);
      this.lastKey = key;
      this.last = b;
    } else {
      const point = { time: key * this.width, ...values } as PeakPoint<F>;
      this.buckets.set(key, point);
      this.lastKey = key;
      this.last = point;
      if (this.buckets.size > MAX_POINTS) this.coarsen();
    }
  }

  private raise(b: PeakPoint<F>, values: Record<F, number>): void {
    for (const f of this.fields) if (values[f] > b[f]) (b as Record<F, number>)[f] = values[f];
  }

  private coarsen(): void {
    const old = [...this.buckets.values()];
    this.lastKey = Number.NaN;
    this.last = undefined;
    this.width *= 2;
    this.buckets.clear();
    for (const p of old) {
      const key = Math.floor(p.time / this.width);
      const b = this.buckets.get(key);
      if (b) this.raise(b, p);
      else this.buckets.set(key, { ...p, time: key * this.width });
    }
  }

  points(): PeakPoint<F>[] {
    return [...this.buckets.values()].sort((a, b) => a.time - b.time);
  }
}
