/*
 * When a resource was busy with someone else: the GIL (threads running Python) or an event loop
 * (other tasks' callbacks). A call that waited ends only once it gets the resource back, so its
 * recorded wall time mixes the wait for its own work (IO) with the wait for the resource. If the
 * resource was free at some moment before the call returned, the work was still going on then
 * (else the caller would have taken it): that moment bounds the work from below. This index finds
 * it: the start of the stretch of others' busy time that runs up to the call's end.
 */

interface Interval {
  start: number;
  end: number;
  owner: string;
}

/** Gaps shorter than this between two holders count as one stretch (a hand-off, not a free resource). */
const HANDOFF_NS = 5_000;
/** How far back a stretch is followed (a wait for the GIL or a loop is far shorter). */
const WINDOW_NS = 200_000_000;

export class BusyIndex {
  private readonly intervals: Interval[] = [];
  private sorted = true;
  private longest = 0;

  /** `owner` (a thread, a task) held the resource from `start` to `end` (ns). */
  add(owner: string, start: number, end: number): void {
    if (!(end > start)) return;
    const last = this.intervals[this.intervals.length - 1];
    if (last && start < last.start) this.sorted = false;
    this.intervals.push({ start, end, owner });
    this.longest = Math.max(this.longest, end - start);
  }

  private ensureSorted(): void {
    if (this.sorted) return;
    this.intervals.sort((a, b) => a.start - b.start);
    this.sorted = true;
  }

  /** Index of the last interval starting at or before `t`, or -1. */
  private lastStartingBy(t: number): number {
    let lo = 0;
    let hi = this.intervals.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.intervals[mid] as Interval).start <= t) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /**
   * The earliest time L <= `at` such that owners other than `self` kept the resource busy from L to
   * `at` without a free gap (hand-offs shorter than 5 us do not count as free); `at` itself when it
   * was free at `at`.
   */
  busySince(self: string, at: number): number {
    this.ensureSorted();
    let l = at;
    const floor = at - Math.min(WINDOW_NS, this.longest + WINDOW_NS);
    for (;;) {
      let earliest = l;
      for (let i = this.lastStartingBy(l); i >= 0; i--) {
        const iv = this.intervals[i] as Interval;
        if (iv.start < floor || iv.start < l - this.longest - HANDOFF_NS) break;
        if (iv.owner !== self && iv.start < l && iv.end >= l - HANDOFF_NS && iv.start < earliest) earliest = iv.start;
      }
      if (earliest >= l) return l;
      l = earliest;
    }
  }
}
