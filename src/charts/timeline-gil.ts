/**
 * The GIL track and the point markers of a timeline, reduced like the state lanes: drawn one by
 * one when few, summed into per-pixel buckets when many.
 */
import type { Nanos } from "../engine/time.js";
import type { GilHold, Marker } from "../trace/types.js";
import { spreadOverBuckets } from "./bucket-spread.js";
import type { LaneMap } from "./timeline-aggregate.js";

/** A stretch of a process's GIL track. */
export interface HoldRect {
  process: number;
  start: Nanos;
  end: Nanos;
  /** Holder thread id; -1 for an aggregated stretch. */
  thread: number;
  /** Flips between 0 and 1 whenever the holder changes within a process, so each hand-off shows. */
  shade: 0 | 1;
  /** The hold before it in the same process was another thread's: a hand-off happens at `start`. */
  handoff: boolean;
  /** Share of the stretch during which the GIL was held (1 for single holds). */
  held: number;
  reason: GilHold["reason"] | "mixed";
}

export interface MarkerPoint {
  lane: number;
  time: Nanos;
  kind: Marker["kind"];
}

/**
 * Holds overlapping the window, clipped to it. The shade flips at each change of holder in a
 * process's order of holds (a thread that drops and retakes the GIL keeps its shade), so a
 * hand-off always shows, even when the holder before and after it has the same name.
 */
export function rawHolds(holds: readonly GilHold[], window: [Nanos, Nanos]): HoldRect[] {
  const sorted = [...holds].sort((a, b) => a.process - b.process || a.start - b.start);
  const rects: HoldRect[] = [];
  let process = Number.NaN;
  let holder = Number.NaN;
  let shade: 0 | 1 = 1;
  for (const hold of sorted) {
    if (hold.process !== process) {
      process = hold.process;
      holder = Number.NaN;
      shade = 1;
    }
    const handoff = !Number.isNaN(holder) && hold.thread !== holder;
    if (hold.thread !== holder) shade = shade === 0 ? 1 : 0;
    holder = hold.thread;
    if (hold.end <= window[0] || hold.start >= window[1]) continue;
    rects.push({
      process: hold.process,
      start: Math.max(hold.start, window[0]),
      end: Math.min(hold.end, window[1]),
      thread: hold.thread,
      shade,
      handoff,
      held: 1,
      reason: hold.reason,
    });
  }
  return rects;
}

/**
 * The steps a bucket's held share is drawn in: to the nearest 1/100, closer than an opacity can be
 * told apart, and few enough distinct values that the page draws one path per step.
 */
export const HELD_STEPS = 100;

/**
 * Share of each bucket during which each process's GIL was held, to the nearest 1/steps (the true
 * share, not rounded up: a bucket held 10% of its time is drawn at 0.1), merged over runs of equal
 * buckets; buckets held less than half a step are left out.
 */
export function bucketHolds(
  holds: readonly GilHold[],
  processes: readonly number[],
  window: [Nanos, Nanos],
  count: number,
  steps: number = HELD_STEPS,
): HoldRect[] {
  const [start, end] = window;
  const width = (end - start) / count;
  const row = new Map(processes.map((p, i) => [p, i]));
  const held = new Float64Array(processes.length * count);
  for (const hold of holds) {
    const r = row.get(hold.process);
    if (r === undefined || hold.end <= start || hold.start >= end) continue;
    const a = Math.max(hold.start, start) - start;
    const b = Math.min(hold.end, end) - start;
    spreadOverBuckets(held, a, b, width, count, r * count);
  }
  const rects: HoldRect[] = [];
  processes.forEach((process, r) => {
    let level = 0;
    let runStart = 0;
    for (let k = 0; k <= count; k++) {
      const next = k < count ? Math.round(((held[r * count + k] as number) / width) * steps) : 0;
      if (next === level) continue;
      if (level > 0) {
        rects.push({
          process,
          start: start + runStart * width,
          end: start + k * width,
          thread: -1,
          shade: 0,
          handoff: false,
          held: level / steps,
          reason: "mixed",
        });
      }
      level = next;
      runStart = k;
    }
  });
  return rects;
}

/**
 * Markers on shown lanes within the window, at most one of each kind on each lane in each of
 * `count` buckets (the first): a glyph hides any other of its kind drawn within its own width.
 */
export function thinMarkers(
  markers: readonly { lane: number; time: Nanos; kind: Marker["kind"] }[],
  window: [Nanos, Nanos],
  count: number,
): MarkerPoint[] {
  const visible = markers
    .filter((m) => m.lane >= 0 && m.time >= window[0] && m.time <= window[1])
    .sort((a, b) => a.lane - b.lane || a.time - b.time || a.kind.localeCompare(b.kind));
  const width = (window[1] - window[0]) / count;
  const seen = new Set<string>();
  const kept: MarkerPoint[] = [];
  for (const m of visible) {
    const bucket = Math.min(count - 1, Math.floor((m.time - window[0]) / width));
    const key = `${m.lane}:${m.kind}:${bucket}`;
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push({ lane: m.lane, time: m.time, kind: m.kind });
  }
  return kept;
}

/** Marker lanes from thread ids. */
export function markerLanes(
  markers: readonly Marker[],
  lanes: LaneMap,
): { lane: number; time: Nanos; kind: Marker["kind"] }[] {
  return markers.map((m) => ({
    lane: m.thread >= 0 && m.thread < lanes.length ? (lanes[m.thread] as number) : -1,
    time: m.time,
    kind: m.kind,
  }));
}
