import { US } from "../engine/time.js";
import { type StateInterval, THREAD_STATES, type ThreadInfo, type ThreadState, type Trace } from "../trace/types.js";

/*
 * A recorded real run kept small enough to live in the repository: what the metrics and the
 * timeline need (threads, each thread's state tiles, each task's arrival, start and end), with
 * times rounded to whole microseconds, each thread's tiles as (state, duration) pairs and the
 * task times as columns of differences. With `lanes: "totals"` each thread keeps only its time in
 * each state (one tile per state, in THREAD_STATES order): the shares the metrics read stay exact,
 * the timeline does not. Step records, GIL holds, markers and loop iterations are left out (a real
 * trace has none of the last three anyway).
 */

export interface CompactTrace {
  format: 1;
  scenario: string;
  seed: number;
  cores: number;
  /** The run's end, in microseconds. */
  end: number;
  threads: ThreadInfo[];
  /** Per thread: where its first tile starts (us) and its tiles as [state index, duration us, ...]. */
  lanes: { thread: number; start: number; tiles: number[] }[];
  /** Task class names, indexed by `tasks.class`. */
  classes: string[];
  /**
   * Tasks by id, as columns: id and arrival as differences from the previous task's (the first
   * from 0), wait = start - arrival and time = end - start, in microseconds.
   */
  tasks: { id: number[]; class: number[]; arrival: number[]; wait: number[]; time: number[] };
}

const us = (ns: number): number => Math.round(ns / US);

/** The compact form of a trace (times rounded to the microsecond). */
export function compactTrace(trace: Trace, options: { lanes?: "full" | "totals" } = {}): CompactTrace {
  const totals = options.lanes === "totals";
  const byThread = new Map<number, StateInterval[]>();
  for (const i of trace.intervals) {
    const list = byThread.get(i.thread);
    if (list) list.push(i);
    else byThread.set(i.thread, [i]);
  }
  const lanes: CompactTrace["lanes"] = [];
  for (const t of trace.threads) {
    const list = (byThread.get(t.id) ?? []).sort((a, b) => a.start - b.start);
    const first = list[0];
    if (!first) continue;
    const tiles: number[] = [];
    let cursor = us(first.start);
    for (const i of list) {
      const end = us(i.end);
      if (end <= cursor) continue;
      const state = THREAD_STATES.indexOf(i.state);
      const last = tiles.length - 2;
      if (last >= 0 && tiles[last] === state) tiles[last + 1] = (tiles[last + 1] as number) + (end - cursor);
      else tiles.push(state, end - cursor);
      cursor = end;
    }
    lanes.push({ thread: t.id, start: us(first.start), tiles: totals ? sumByState(tiles) : tiles });
  }
  const classes: string[] = [];
  const tasks: CompactTrace["tasks"] = { id: [], class: [], arrival: [], wait: [], time: [] };
  let lastId = 0;
  let lastArrival = 0;
  for (const t of [...trace.tasks].sort((a, b) => a.id - b.id)) {
    let c = classes.indexOf(t.class);
    if (c < 0) c = classes.push(t.class) - 1;
    const arrival = us(t.arrival);
    const start = us(t.start);
    tasks.id.push(t.id - lastId);
    tasks.class.push(c);
    tasks.arrival.push(arrival - lastArrival);
    tasks.wait.push(start - arrival);
    tasks.time.push(us(t.end) - start);
    lastId = t.id;
    lastArrival = arrival;
  }
  return {
    format: 1,
    scenario: trace.scenario,
    seed: trace.seed,
    cores: trace.cores,
    end: us(trace.end),
    threads: trace.threads.map((t) => ({ id: t.id, name: t.name, process: t.process, role: t.role })),
    lanes,
    classes,
    tasks,
  };
}

/** The Trace a compact trace stands for (no steps, GIL holds, markers or loop iterations). */
export function expandTrace(c: CompactTrace): Trace {
  const intervals: StateInterval[] = [];
  for (const lane of c.lanes) {
    let t = lane.start * US;
    for (let k = 0; k + 1 < lane.tiles.length; k += 2) {
      const state = THREAD_STATES[lane.tiles[k] as number] as ThreadState | undefined;
      const length = (lane.tiles[k + 1] as number) * US;
      if (state === undefined) throw new RangeError(`invalid state index ${lane.tiles[k]} in a compact trace`);
      intervals.push({ thread: lane.thread, state, start: t, end: t + length });
      t += length;
    }
  }
  return {
    scenario: c.scenario,
    seed: c.seed,
    end: c.end * US,
    cores: c.cores,
    threads: c.threads.map((t) => ({ ...t })),
    intervals,
    gil: [],
    markers: [],
    tasks: expandTasks(c),
    iterations: [],
  };
}

/** [state, duration, ...] tiles summed by state, one tile per state in THREAD_STATES order. */
function sumByState(tiles: readonly number[]): number[] {
  const sums = new Array<number>(THREAD_STATES.length).fill(0);
  for (let k = 0; k + 1 < tiles.length; k += 2) {
    const state = tiles[k] as number;
    sums[state] = (sums[state] as number) + (tiles[k + 1] as number);
  }
  return sums.flatMap((d, state) => (d > 0 ? [state, d] : []));
}

function expandTasks(c: CompactTrace): Trace["tasks"] {
  const { id, class: cls, arrival, wait, time } = c.tasks;
  const n = id.length;
  if (![cls, arrival, wait, time].every((col) => col.length === n)) {
    throw new RangeError("invalid compact trace: its task columns differ in length");
  }
  const out: Trace["tasks"] = [];
  let taskId = 0;
  let at = 0;
  for (let k = 0; k < n; k++) {
    taskId += id[k] as number;
    at += arrival[k] as number;
    const start = at + (wait[k] as number);
    out.push({
      id: taskId,
      class: c.classes[cls[k] as number] ?? "task",
      arrival: at * US,
      start: start * US,
      end: (start + (time[k] as number)) * US,
      steps: [],
    });
  }
  return out;
}
