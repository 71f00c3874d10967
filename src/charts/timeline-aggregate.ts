/**
 * Reducing a trace's state intervals to rectangles a timeline can draw.
 *
 * A long run has far more intervals than a figure has pixels, so intervals are summed into
 * per-pixel buckets first (time in each state, per lane and bucket) and drawn from the buckets:
 * as the dominant state of each bucket, or as the states' shares stacked within the lane. Runs of
 * equal neighbouring buckets merge into one rectangle. The pass is linear in the number of
 * intervals plus lanes x buckets, with typed arrays, so a million intervals take well under a second.
 */
import type { Nanos } from "../engine/time.js";
import { type StateInterval, THREAD_STATES, type ThreadState } from "../trace/types.js";
import { spreadOverBuckets } from "./bucket-spread.js";

const STATES = THREAD_STATES.length;

/** A rectangle on lane `lane`, from time `start` to `end`, covering the fraction [top, bottom] of the lane's height. */
export interface StateRect {
  lane: number;
  start: Nanos;
  end: Nanos;
  state: ThreadState;
  top: number;
  bottom: number;
}

/** Maps thread ids to lane numbers; -1 (or beyond the array) hides a thread. */
export type LaneMap = Int32Array;

export interface Buckets {
  lanes: number;
  count: number;
  start: Nanos;
  /** Width of one bucket in ns. */
  width: number;
  /** Time in ns per (lane, bucket, state), at index (lane * count + bucket) * STATES + state. */
  time: Float64Array;
}

function laneOf(lanes: LaneMap, thread: number): number {
  return thread >= 0 && thread < lanes.length ? (lanes[thread] as number) : -1;
}

/** Intervals of shown threads that overlap [start, end). */
export function countVisible(intervals: readonly StateInterval[], lanes: LaneMap, window: [Nanos, Nanos]): number {
  let n = 0;
  for (const iv of intervals) {
    if (iv.end > window[0] && iv.start < window[1] && laneOf(lanes, iv.thread) >= 0) n++;
  }
  return n;
}

/** Sums each state's time per lane and bucket over [start, end), cut into `count` equal buckets. */
export function bucketStates(
  intervals: readonly StateInterval[],
  lanes: LaneMap,
  laneCount: number,
  window: [Nanos, Nanos],
  count: number,
): Buckets {
  const [start, end] = window;
  const width = (end - start) / count;
  const time = new Float64Array(laneCount * count * STATES);
  const stateIndex = new Map<ThreadState, number>(THREAD_STATES.map((s, i) => [s, i]));
  for (const iv of intervals) {
    const lane = laneOf(lanes, iv.thread);
    if (lane < 0 || iv.end <= start || iv.start >= end) continue;
    const s = stateIndex.get(iv.state) as number;
    const a = Math.max(iv.start, start) - start;
    const b = Math.min(iv.end, end) - start;
    spreadOverBuckets(time, a, b, width, count, lane * count, STATES, s);
  }
  return { lanes: laneCount, count, start, width, time };
}

/** One rectangle per run of buckets with the same dominant state (ties go to the earlier state in THREAD_STATES). */
export function dominantRects(buckets: Buckets): StateRect[] {
  const rects: StateRect[] = [];
  const { lanes, count, start, width, time } = buckets;
  for (let lane = 0; lane < lanes; lane++) {
    let runState = -1;
    let runStart = 0;
    for (let k = 0; k <= count; k++) {
      let best = -1;
      if (k < count) {
        let bestTime = 0;
        const offset = (lane * count + k) * STATES;
        for (let s = 0; s < STATES; s++) {
          const t = time[offset + s] as number;
          if (t > bestTime) {
            bestTime = t;
            best = s;
          }
        }
      }
      if (best === runState) continue;
      if (runState >= 0) {
        const state = THREAD_STATES[runState] as ThreadState;
        rects.push({ lane, start: start + runStart * width, end: start + k * width, state, top: 0, bottom: 1 });
      }
      runState = best;
      runStart = k;
    }
  }
  return rects;
}

/**
 * Each bucket's states stacked top to bottom in THREAD_STATES order, each as tall as its share
 * of the bucket's covered time, rounded to `levels` steps of the lane height (a lane `levels` px
 * tall then rounds to whole pixels). Runs of buckets with the same rounded stack merge.
 */
export function shareRects(buckets: Buckets, levels: number): StateRect[] {
  const rects: StateRect[] = [];
  const { lanes, count, start, width, time } = buckets;
  const stack = new Int32Array(STATES);
  const previous = new Int32Array(STATES);
  for (let lane = 0; lane < lanes; lane++) {
    let runStart = 0;
    previous.fill(-1);
    const flush = (k: number): void => {
      if (previous[0] === -1) return;
      let top = 0;
      for (let s = 0; s < STATES; s++) {
        const h = previous[s] as number;
        if (h === 0) continue;
        const state = THREAD_STATES[s] as ThreadState;
        rects.push({
          lane,
          start: start + runStart * width,
          end: start + k * width,
          state,
          top,
          bottom: top + h / levels,
        });
        top += h / levels;
      }
    };
    for (let k = 0; k <= count; k++) {
      stack.fill(-1);
      if (k < count) roundShares(time, (lane * count + k) * STATES, levels, stack);
      let same = true;
      for (let s = 0; s < STATES; s++) if (stack[s] !== previous[s]) same = false;
      if (same) continue;
      flush(k);
      previous.set(stack);
      runStart = k;
    }
  }
  return rects;
}

/** Shares of a bucket in whole steps of 1/levels that add up to `levels` (largest remainders); -1s when empty. */
function roundShares(time: Float64Array, offset: number, levels: number, out: Int32Array): void {
  let total = 0;
  for (let s = 0; s < STATES; s++) total += time[offset + s] as number;
  if (total <= 0) return;
  let given = 0;
  const remainders: number[] = [];
  for (let s = 0; s < STATES; s++) {
    const exact = ((time[offset + s] as number) / total) * levels;
    const whole = Math.floor(exact);
    out[s] = whole;
    given += whole;
    remainders.push(exact - whole);
  }
  const order = remainders.map((r, s) => [r, s] as const).sort((p, q) => q[0] - p[0] || p[1] - q[1]);
  for (let i = 0; i < levels - given; i++) {
    const s = (order[i] as readonly [number, number])[1];
    out[s] = (out[s] as number) + 1;
  }
}

/** The intervals themselves, clipped to the window, with touching intervals of the same state merged. */
export function rawRects(intervals: readonly StateInterval[], lanes: LaneMap, window: [Nanos, Nanos]): StateRect[] {
  const open = new Map<number, StateRect>();
  const rects: StateRect[] = [];
  const visible = intervals
    .filter((iv) => iv.end > window[0] && iv.start < window[1] && laneOf(lanes, iv.thread) >= 0)
    .sort((a, b) => a.thread - b.thread || a.start - b.start);
  for (const iv of visible) {
    const lane = laneOf(lanes, iv.thread);
    const start = Math.max(iv.start, window[0]);
    const end = Math.min(iv.end, window[1]);
    const last = open.get(lane);
    if (last && last.state === iv.state && last.end === start) {
      last.end = end;
      continue;
    }
    const rect: StateRect = { lane, start, end, state: iv.state, top: 0, bottom: 1 };
    rects.push(rect);
    open.set(lane, rect);
  }
  return rects;
}
