/**
 * Lookups on a trace for hovering and stepping: the interval a thread is in at a time, who held
 * a process's GIL at a time or over a stretch, and the GIL events of a window in order.
 */
import type { Nanos } from "../engine/time.js";
import type { GilHold, StateInterval, Trace } from "../trace/types.js";
import type { WhyKind } from "./words.js";

export interface TraceIndex {
  trace: Trace;
  /** Each thread's intervals in time order. */
  intervals: Map<number, StateInterval[]>;
  /** Each process's GIL holds in time order. */
  holds: Map<number, GilHold[]>;
  names: Map<number, string>;
  process: Map<number, number>;
}

function group<T>(items: readonly T[], key: (t: T) => number, start: (t: T) => number): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const item of items) {
    const k = key(item);
    let list = out.get(k);
    if (!list) {
      list = [];
      out.set(k, list);
    }
    list.push(item);
  }
  for (const list of out.values()) list.sort((a, b) => start(a) - start(b));
  return out;
}

export function indexTrace(trace: Trace): TraceIndex {
  return {
    trace,
    intervals: group(
      trace.intervals,
      (i) => i.thread,
      (i) => i.start,
    ),
    holds: group(
      trace.gil,
      (h) => h.process,
      (h) => h.start,
    ),
    names: new Map(trace.threads.map((t) => [t.id, t.name])),
    process: new Map(trace.threads.map((t) => [t.id, t.process])),
  };
}

/** Index of the last item whose start is at or before `time`, or -1. */
function lastAtOrBefore<T extends { start: Nanos }>(list: readonly T[], time: Nanos): number {
  let lo = 0;
  let hi = list.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as T).start <= time) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The interval `thread` is in at `time`, or null. */
export function intervalAt(index: TraceIndex, thread: number, time: Nanos): StateInterval | null {
  const list = index.intervals.get(thread) ?? [];
  const i = lastAtOrBefore(list, time);
  const it = i < 0 ? null : (list[i] as StateInterval);
  return it && time < it.end ? it : null;
}

/** The intervals of `thread` next to `time`: the one before and the one after, for stepping a cursor. */
export function neighbours(
  index: TraceIndex,
  thread: number,
  time: Nanos,
): { before: Nanos | null; after: Nanos | null } {
  const list = index.intervals.get(thread) ?? [];
  const i = lastAtOrBefore(list, time);
  const current = list[i];
  const before = current ? (current.start < time ? current.start : (list[i - 1]?.start ?? null)) : null;
  const after = list[i + 1]?.start ?? null;
  return { before, after };
}

/** The GIL hold of `process` at `time` (start <= time < end), or null. */
export function holdAt(index: TraceIndex, process: number, time: Nanos): GilHold | null {
  const list = index.holds.get(process) ?? [];
  const i = lastAtOrBefore(list, time);
  const h = i < 0 ? null : (list[i] as GilHold);
  return h && time < h.end ? h : null;
}

/** Names of the threads that held `process`'s GIL during [start, end), in order of their holds. */
export function holdersDuring(index: TraceIndex, process: number, start: Nanos, end: Nanos): string[] {
  const list = index.holds.get(process) ?? [];
  const names: string[] = [];
  for (let i = Math.max(0, lastAtOrBefore(list, start)); i < list.length; i++) {
    const h = list[i] as GilHold;
    if (h.start >= end) break;
    if (h.end <= start || h.end === h.start) continue;
    const name = index.names.get(h.thread) ?? `thread ${h.thread}`;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

export interface GilEvent {
  time: Nanos;
  kind: WhyKind;
  thread: number;
  process: number;
  /** The GIL's holder just before the event (for a take, the previous holder), or null. */
  holder: number | null;
  /** Threads asleep waiting for the GIL just after the event. */
  waiting: number;
}

const ORDER: Record<WhyKind, number> = { "drop-request": 0, "forced-switch": 1, take: 2, convoy: 3 };

/**
 * The GIL events inside `window`, in time order: drop requests, forced switches, hand-offs (a
 * take by another thread than the last holder) and convoys; at most `limit` of them.
 */
export function gilEvents(index: TraceIndex, window: readonly [Nanos, Nanos], limit = 2000): GilEvent[] {
  const { trace } = index;
  const inside = (t: Nanos) => t >= window[0] && t <= window[1];
  const events: GilEvent[] = [];
  for (const m of trace.markers) {
    if (!inside(m.time)) continue;
    const hold = m.kind === "forced-switch" ? null : holdAt(index, m.process, m.time);
    events.push({
      time: m.time,
      kind: m.kind,
      thread: m.thread,
      process: m.process,
      holder: hold?.thread ?? null,
      waiting: 0,
    });
  }
  for (const [process, holds] of index.holds) {
    holds.forEach((h, i) => {
      const before = holds[i - 1];
      if (!inside(h.start) || (before && before.thread === h.thread)) return;
      events.push({
        time: h.start,
        kind: "take",
        thread: h.thread,
        process,
        holder: before?.thread ?? null,
        waiting: 0,
      });
    });
  }
  events.sort((a, b) => a.time - b.time || ORDER[a.kind] - ORDER[b.kind] || a.thread - b.thread);
  const kept = events.slice(0, limit);
  for (const e of kept) e.waiting = waitingAt(index, e.process, e.time, e.thread);
  return kept;
}

/** Threads of `process` other than `except` in the wait-gil state just after `time`. */
function waitingAt(index: TraceIndex, process: number, time: Nanos, except: number): number {
  let n = 0;
  for (const [thread, p] of index.process) {
    if (p !== process || thread === except) continue;
    const it = intervalAt(index, thread, time);
    if (it?.state === "wait-gil") n++;
  }
  return n;
}
