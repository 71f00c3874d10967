import type { RecordedTask, Segment } from "../capture/recording.js";
import type { BusyIndex } from "./busy.js";

/*
 * One recorded task as the steps the model runs: pure Python between calls, C calls that release
 * the GIL (hashlib, zlib, sqlite3, quick socket calls), C calls that hold it (json), waits (IO,
 * sleeps), and offloads to an asyncio loop's executor.
 *
 * CPU time. The recorder reads the thread's CPU time at the task's ends and around each call that
 * releases the GIL while it computes, so the CPU between two such reads is exact. Inside that span
 * it goes first to the json-like calls (their wall time: they hold the GIL, so they run as long as
 * they take) and to quick socket calls, then to the Python gaps in proportion to their wall time.
 *
 * Waits. A socket call's wall time is its own work or wait plus, at the end, the wait to take the
 * GIL back. The part before other threads last held the GIL without a break is the call's own
 * (see busy.ts); only that part becomes IO, the rest the model will reproduce as contention.
 */

export type StepKind = "python" | "release" | "hold" | "io" | "block" | "offload";

/** A step of one task, with what it came from. */
export interface TaskStep {
  kind: StepKind;
  /** "python", "sqlite", "socket.recv", an offloaded function's name, ... */
  label: string;
  /** Duration (CPU time for python, release and hold; wall time for io and block), ns. */
  ns: number;
  /** Native calls the step stands for (rows a fetch stepped through: each releases the GIL). */
  n: number;
  /** The steps of an offload. */
  inner?: TaskStep[];
  /** A socket-like call: its CPU time, and its own time (CPU and wait, without the GIL wait at its end). */
  cpu?: number;
  own?: number;
}

export interface StepContext {
  /** Who held the GIL when, in the task's process (threads running Python). */
  gil: BusyIndex;
  /** Which tasks' callbacks kept an event loop busy when. */
  loop: BusyIndex;
  /** Waits shorter than this are quick calls (release steps), not IO. */
  ioMin: number;
  /** An OpenTelemetry import: waits are IO as recorded (there is no GIL timeline). */
  otel: boolean;
}

/**
 * Socket calls that do not wait for a peer (unless a buffer is full): their time is CPU. Time off
 * the CPU inside one is left to the model: waiting for a core or the GIL it makes again; a
 * loopback client woken by a send and run on the sender's CPU it does not (docs/model.md,
 * "Scenarios fitted to a recording").
 */
const SENDS = new Set(["socket.send", "socket.close"]);

interface Piece {
  /** A Python gap (no segment) or a call. */
  seg: Segment | null;
  start: number;
  end: number;
}

/** Gaps and calls of one container (a thread task's body, a callback run, an offload), in time order. */
function pieces(segs: readonly Segment[], from: number, to: number): Piece[] {
  const out: Piece[] = [];
  let cursor = from;
  for (const s of segs) {
    const start = Math.max(s.t, cursor);
    out.push({ seg: null, start: cursor, end: start });
    const end = Math.max(start, Math.min(to, s.t + s.wall));
    out.push({ seg: s, start, end });
    cursor = end;
  }
  out.push({ seg: null, start: cursor, end: Math.max(cursor, to) });
  return out;
}

const CALL_CLASSES = new Set(["r", "h", "w", "s"]);

/** The GIL-holding stretches of a task (Python gaps and json-like calls), for the GIL index. */
export function gilHolds(task: RecordedTask, add: (owner: string, start: number, end: number) => void): void {
  const hold = (owner: string, list: Piece[]): void => {
    for (const p of list) {
      if (p.seg === null || p.seg.cls === "h") add(owner, task.start + p.start, task.start + p.end);
    }
  };
  const runs = task.segs.filter((s) => s.cls === "run");
  if (runs.length === 0) {
    hold(task.thread, pieces(callsOn(task, 0, 0, task.end - task.start), 0, task.end - task.start));
  } else {
    for (const r of runs) hold(task.thread, pieces(callsOn(task, 0, r.t, r.t + r.wall), r.t, r.t + r.wall));
  }
  for (const off of task.segs.filter((s) => s.cls === "off")) {
    hold(`${task.id}/${off.track}`, pieces(callsOn(task, off.track, off.t, off.t + off.wall), off.t, off.t + off.wall));
  }
}

/** The loop-busy stretches of an asyncio task: its callback runs. */
export function loopRuns(task: RecordedTask, add: (owner: string, start: number, end: number) => void): void {
  for (const s of task.segs) if (s.cls === "run") add(String(task.id), task.start + s.t, task.start + s.t + s.wall);
}

function callsOn(task: RecordedTask, track: number, from: number, to: number): Segment[] {
  return task.segs.filter((s) => s.track === track && CALL_CLASSES.has(s.cls) && s.t >= from && s.t < to);
}

/**
 * The steps of one container whose thread CPU time is `cpu`. Calls recorded with their CPU at
 * entry (c0, from the container's start) split it into spans of exactly known CPU.
 */
function containerSteps(
  task: RecordedTask,
  list: Piece[],
  cpu: number,
  owner: string,
  ctx: StepContext,
  inCoroutine: boolean,
): TaskStep[] {
  const steps: TaskStep[] = [];
  let spanStart = 0;
  let cpuAtSpanStart = 0;
  for (let i = 0; i <= list.length; i++) {
    const p = list[i];
    const anchor = p?.seg != null && p.seg.c0 >= 0 && p.seg.cpu >= 0;
    if (i < list.length && !anchor) continue;
    const cpuAtSpanEnd = p?.seg && anchor ? p.seg.c0 : cpu;
    const spanCpu = Math.max(0, cpuAtSpanEnd - cpuAtSpanStart);
    steps.push(...spanSteps(task, list.slice(spanStart, i), spanCpu, owner, ctx, inCoroutine));
    if (p?.seg && anchor) {
      const call = spanCall(task, p, owner, ctx, inCoroutine);
      if (call) steps.push(call.step);
      cpuAtSpanStart = p.seg.c0 + p.seg.cpu;
      spanStart = i + 1;
    }
  }
  return steps;
}

/**
 * What a call is. Its CPU time is exact when the recorder read it; a json-like call without it
 * is estimated by its wall time (it holds the GIL, so it runs as long as it takes), a quick
 * socket call by the part of its wall time before others held the GIL.
 */
function spanCall(
  task: RecordedTask,
  p: Piece,
  owner: string,
  ctx: StepContext,
  inCoroutine: boolean,
): { step: TaskStep; estimated: boolean } | null {
  const s = p.seg;
  if (s === null) return null;
  const wall = p.end - p.start;
  const measured = s.cpu >= 0;
  switch (s.cls) {
    case "h":
      return { step: { kind: "hold", label: s.label, ns: measured ? s.cpu : wall, n: 1 }, estimated: !measured };
    case "r":
      return {
        step: { kind: "release", label: s.label, ns: Math.max(0, s.cpu), n: Math.max(1, Math.round(s.n)) },
        estimated: false,
      };
    case "s":
      return {
        step: { kind: inCoroutine ? "block" : "io", label: s.label, ns: Math.max(0, s.n), n: 1 },
        estimated: false,
      };
    case "w": {
      // The call's own time: up to when others began to hold the GIL without a break before it returned.
      let own = wall;
      if (!ctx.otel) {
        const since = ctx.gil.busySince(owner, task.start + p.end);
        own = Math.min(wall, Math.max(0, since - (task.start + p.start)));
      }
      const cpu = measured ? Math.min(s.cpu, own) : own;
      const waits = ctx.otel || (!SENDS.has(s.label) && own - (measured ? cpu : 0) >= ctx.ioMin);
      // A wait: in a coroutine a blocking call stops the whole loop.
      const kind: StepKind = waits ? (inCoroutine ? "block" : "io") : "release";
      return { step: { kind, label: s.label, ns: waits ? own : cpu, n: 1, cpu, own }, estimated: !measured && !waits };
    }
    default:
      return null;
  }
}

function spanSteps(
  task: RecordedTask,
  span: Piece[],
  spanCpu: number,
  owner: string,
  ctx: StepContext,
  inCoroutine: boolean,
): TaskStep[] {
  const calls = span.map((p) => spanCall(task, p, owner, ctx, inCoroutine));
  let exact = 0;
  let estimated = 0;
  for (const c of calls) {
    if (!c || c.step.kind === "io" || c.step.kind === "block") continue;
    if (c.estimated) estimated += c.step.ns;
    else exact += c.step.ns;
  }
  const available = Math.max(0, spanCpu - exact);
  const scale = estimated > available ? available / estimated : 1;
  const free = Math.max(0, available - estimated * scale);
  const gapWall = span.reduce((a, p) => a + (p.seg === null ? p.end - p.start : 0), 0);
  const gaps = span.filter((p) => p.seg === null).length;
  const out: TaskStep[] = [];
  span.forEach((p, k) => {
    if (p.seg === null) {
      const share = gapWall > 0 ? (p.end - p.start) / gapWall : 1 / gaps;
      out.push({ kind: "python", label: "python", ns: free * share, n: 1 });
      return;
    }
    const c = calls[k];
    if (!c) return;
    if (c.estimated) c.step.ns *= scale;
    out.push(c.step);
  });
  return out;
}

/** The steps of a recorded task, in order (asyncio tasks: their runs, awaits and offloads). */
export function taskSteps(task: RecordedTask, ctx: StepContext): TaskStep[] {
  const runs = task.segs.filter((s) => s.cls === "run");
  const span = task.end - task.start;
  if (runs.length === 0) {
    return containerSteps(task, pieces(callsOn(task, 0, 0, span), 0, span), task.cpu, task.thread, ctx, false);
  }
  const offloads = task.segs.filter((s) => s.cls === "off");
  const steps: TaskStep[] = [];
  runs.forEach((run, i) => {
    const list = pieces(callsOn(task, 0, run.t, run.t + run.wall), run.t, run.t + run.wall);
    steps.push(...containerSteps(task, list, Math.max(0, run.cpu), task.thread, ctx, true));
    const next = runs[i + 1];
    if (!next) return;
    const end = run.t + run.wall;
    const submitted = offloads.filter((o) => o.c0 >= run.t && o.c0 <= end);
    if (submitted.length > 0) {
      for (const off of submitted) {
        const inner = pieces(callsOn(task, off.track, off.t, off.t + off.wall), off.t, off.t + off.wall);
        steps.push({
          kind: "offload",
          label: off.label,
          ns: off.wall,
          n: 1,
          inner: containerSteps(task, inner, Math.max(0, off.cpu), `${task.id}/${off.track}`, ctx, false),
        });
      }
      return;
    }
    // An await that is not an offload: IO, up to the moment the loop was last free before it resumed.
    const since = ctx.loop.busySince(String(task.id), task.start + next.t);
    const own = Math.min(next.t - end, Math.max(0, since - (task.start + end)));
    if (own >= ctx.ioMin) steps.push({ kind: "io", label: "await", ns: own, n: 1 });
  });
  return steps;
}
