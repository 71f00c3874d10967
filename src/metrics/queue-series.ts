import type { Nanos } from "../engine/time.js";
import type { QueuePoint } from "./types.js";

/** At most this many points are kept; past it, neighbouring buckets merge, keeping their peaks. */
const MAX_POINTS = 2048;

/**
 * Queue lengths over time in bounded memory: time is cut into buckets whose width doubles
 * whenever the series would grow past MAX_POINTS; each bucket keeps the largest lengths seen.
 */
export class QueueSeries {
  private width = 1_000_000; // 1 ms to start
  private readonly buckets = new Map<number, QueuePoint>();

  record(time: Nanos, waiting: number, running: number): void {
    const key = Math.floor(time / this.width);
    const b = this.buckets.get(key);
    if (b) {
      if (waiting > b.waiting) b.waiting = waiting;
      if (running > b.running) b.running = running;
    } else {
      this.buckets.set(key, { time: key * this.width, waiting, running });
      if (this.buckets.size > MAX_POINTS) this.coarsen();
    }
  }

  private coarsen(): void {
    const old = [...this.buckets.values()];
    this.width *= 2;
    this.buckets.clear();
    for (const p of old) {
      const key = Math.floor(p.time / this.width);
      const b = this.buckets.get(key);
      if (b) {
        b.waiting = Math.max(b.waiting, p.waiting);
        b.running = Math.max(b.running, p.running);
      } else this.buckets.set(key, { time: key * this.width, waiting: p.waiting, running: p.running });
    }
  }

  points(): QueuePoint[] {
    return [...this.buckets.values()].sort((a, b) => a.time - b.time);
  }
}
