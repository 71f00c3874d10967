import type { Nanos } from "../engine/time.js";
import type { StateInterval, StepRecord, TaskRecord, ThreadInfo, ThreadState, Trace } from "../trace/types.js";
import type { HarnessOutput, StepRecordLine, ThreadRecord } from "./records.js";

export interface TraceOptions {
  /** The scenario's name. */
  name: string;
  /** The seed the tasks were planned with. */
  seed: number;
  /**
   * Worker process k (from 1, in the order they started) is named `<processPrefix>-<k-1>/MainThread`,
   * as the simulator names them: "ProcessPoolExecutor-0" for a process pool, "asyncio" for asyncio's.
   * Default "proc".
   */
  processPrefix?: string;
}

/**
 * How a timeline names the states of a trace recordsToTrace made: its `gil` state is a step's span,
 * since who held the GIL in it was not recorded (timelineChart's stateLabels).
 */
export const MEASURED_STATE_LABELS: Readonly<Partial<Record<ThreadState, string>>> = {
  gil: "running a step (GIL not recorded)",
};

/**
 * Turns a harness run into a Trace, the same shape the simulator records.
 *
 * What Python can see is what it records: each thread is `gil` during a cpu step that runs Python
 * or holds the GIL in C (`nogil` on a free-threaded build with the GIL off), `nogil` during a cpu
 * step that released it (hashing), `io` during a blocking wait (time.sleep, a socket read, a
 * coroutine's blocking call) and `idle` otherwise. A thread that waits for the GIL or for a core
 * cannot tell from Python, so that time shows inside the step that was waiting: a cpu step's
 * interval is its wall time, and GIL holds, markers and loop iterations are left empty. An io step
 * awaited in a coroutine leaves the loop thread free, so it marks no thread.
 */
export function recordsToTrace(out: HarnessOutput, options: TraceOptions): Trace {
  const end = out.done.end;
  const { threads, ids } = numberThreads(out, options.processPrefix ?? "proc");
  const intervals = threadIntervals(out, threads, ids, end);
  const completed = new Set(out.tasks.map((t) => t.id));
  const byTask = new Map<number, StepRecordLine[]>();
  for (const s of out.steps) {
    if (s.task === null || !completed.has(s.task)) continue;
    const list = byTask.get(s.task);
    if (list) list.push(s);
    else byTask.set(s.task, [s]);
  }
  const tasks: TaskRecord[] = [...out.tasks]
    .sort((a, b) => a.id - b.id)
    .map((t) => ({
      id: t.id,
      class: t.class,
      arrival: t.arrival,
      start: t.start,
      end: t.end,
      steps: taskSteps(byTask.get(t.id) ?? [], ids),
    }));
  return {
    scenario: options.name,
    seed: options.seed,
    end,
    cores: out.hello.cores,
    threads,
    intervals,
    gil: [],
    markers: [],
    tasks,
    iterations: [],
  };
}

/** Ids from 0 by process (the harness's is 0; worker processes by when they started), then start time. */
function numberThreads(out: HarnessOutput, prefix: string): { threads: ThreadInfo[]; ids: Map<string, number> } {
  const records = new Map<string, ThreadRecord>();
  for (const t of out.threads) records.set(t.thread, t);
  for (const s of out.steps) {
    if (!records.has(s.thread)) {
      const pid = Number(s.thread.split(":")[0]);
      records.set(s.thread, {
        type: "thread",
        thread: s.thread,
        pid,
        native: null,
        name: `thread-${s.thread}`,
        role: "worker",
        start: s.start,
      });
    }
  }
  const firstStart = new Map<number, number>();
  for (const t of records.values()) firstStart.set(t.pid, Math.min(firstStart.get(t.pid) ?? Infinity, t.start));
  const mainPid = out.hello.pid;
  const pids = [...firstStart.keys()]
    .filter((p) => p !== mainPid)
    .sort((a, b) => (firstStart.get(a) ?? 0) - (firstStart.get(b) ?? 0) || a - b);
  const processOf = new Map<number, number>([[mainPid, 0], ...pids.map((p, i) => [p, i + 1] as const)]);
  const sorted = [...records.values()].sort(
    (a, b) =>
      (processOf.get(a.pid) ?? 0) - (processOf.get(b.pid) ?? 0) ||
      a.start - b.start ||
      (a.thread < b.thread ? -1 : a.thread > b.thread ? 1 : 0),
  );
  const ids = new Map<string, number>();
  const threads = sorted.map((t, id): ThreadInfo => {
    ids.set(t.thread, id);
    const process = processOf.get(t.pid) ?? 0;
    return { id, name: process === 0 ? t.name : `${prefix}-${process - 1}/${t.name}`, process, role: t.role };
  });
  return { threads, ids };
}

function stateOf(step: StepRecordLine, gilEnabled: boolean): ThreadState | null {
  if (step.kind === "offload" || step.awaited) return null;
  if (step.kind !== "cpu") return "io";
  return step.gil === "release" || !gilEnabled ? "nogil" : "gil";
}

/** Each thread's lifetime from its start (at least 0) to the run's end, tiled with states, idle in between. */
function threadIntervals(
  out: HarnessOutput,
  threads: ThreadInfo[],
  ids: Map<string, number>,
  end: Nanos,
): StateInterval[] {
  const starts = new Map<number, number>();
  for (const t of out.threads) {
    const id = ids.get(t.thread);
    if (id !== undefined) starts.set(id, Math.max(0, t.start));
  }
  const busy = new Map<number, { state: ThreadState; start: Nanos; end: Nanos }[]>();
  for (const s of out.steps) {
    const state = stateOf(s, out.hello.gilEnabled);
    const id = ids.get(s.thread);
    if (state === null || id === undefined) continue;
    const span = { state, start: s.start, end: s.end };
    const list = busy.get(id);
    if (list) list.push(span);
    else busy.set(id, [span]);
    if (!starts.has(id)) starts.set(id, Math.max(0, s.start));
  }
  const intervals: StateInterval[] = [];
  for (const thread of threads) {
    const spans = (busy.get(thread.id) ?? []).sort((a, b) => a.start - b.start || a.end - b.end);
    const tiles: StateInterval[] = [];
    const push = (state: ThreadState, start: Nanos, stop: Nanos): void => {
      if (stop <= start) return;
      const last = tiles[tiles.length - 1];
      if (last && last.state === state && last.end === start) last.end = stop;
      else tiles.push({ thread: thread.id, state, start, end: stop });
    };
    let cursor = Math.min(starts.get(thread.id) ?? 0, end);
    for (const span of spans) {
      const s = Math.max(span.start, cursor);
      const e = Math.min(span.end, end);
      if (e <= s) continue;
      push("idle", cursor, s);
      push(span.state, s, e);
      cursor = e;
    }
    push("idle", cursor, end);
    intervals.push(...tiles);
  }
  return intervals;
}

/** Plan order, an offloaded step before the offload step that waits for it (completion order, as the simulator records). */
function comparePaths(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return b.length - a.length;
}

/**
 * A task's steps. An offload step names the thread whose coroutine awaited it (the loop's, as the
 * harness records it and as the simulator does); its offloaded steps name the workers that ran them.
 */
function taskSteps(steps: StepRecordLine[], ids: Map<string, number>): StepRecord[] {
  const sorted = [...steps].sort((a, b) => comparePaths(a.path, b.path));
  return sorted.map((s): StepRecord => {
    const thread = ids.get(s.thread) ?? 0;
    const record: StepRecord = { kind: s.kind, thread, start: s.start, end: s.end, demand: s.demand };
    if (s.gil !== undefined) record.gil = s.gil;
    return record;
  });
}
