import type { StepRecord, TaskRecord, ThreadState, Trace } from "./types.js";

/*
 * A trace in the Chrome Trace Event format (JSON object form), which Perfetto (ui.perfetto.dev)
 * and chrome://tracing open. Processes and threads are named with metadata events; each state
 * interval is one complete ("X") event named after the state; each process with a GIL gets a
 * "GIL" track whose events (category "gil-hold") are the holds, named after the holder; markers are instant ("i")
 * events. Each request is a nestable async span ("b"/"e", category "request") from its arrival to
 * its end, holding a "queued" span and one span per step. Counter ("C") tracks give the tasks
 * waiting and running, the threads waiting for each GIL and, when given the run's loop stats, the
 * event-loop lag. Flow arrows ("s"/"f", category "gil-flow") lead from each drop request to the
 * forced switch it caused, landing on the next hold of the GIL track.
 * The format counts time in microseconds: nanoseconds are divided by 1000 and keep their
 * last three digits as decimals. Process and thread ids are shifted by one, because Perfetto
 * treats pid 0 as the kernel's.
 */

export interface ChromeEvent {
  name: string;
  ph: "M" | "X" | "i" | "b" | "e" | "C" | "s" | "f";
  pid: number;
  tid: number;
  cat?: string;
  ts?: number;
  dur?: number;
  /** Async and flow events: the id that ties begin to end (with `cat`). */
  id?: number | string;
  /** Instant events: scope of the mark ("t": the thread). */
  s?: "t";
  /** chrome://tracing colour name. */
  cname?: string;
  args?: Record<string, string | number>;
}

/** The run's event-loop lag, as metrics report it (peak per time bucket), for the lag counter. */
export interface ChromeExtras {
  loops?: readonly { process: number; lagSeries: readonly { time: number; lag: number }[] }[];
}

/** chrome://tracing's reserved colour names for thread states (Perfetto picks its own). */
const COLOURS: Record<ThreadState, string> = {
  gil: "thread_state_running",
  nogil: "good",
  "wait-gil": "terrible",
  "wait-core": "thread_state_runnable",
  io: "thread_state_iowait",
  idle: "thread_state_sleeping",
};

/** Nanoseconds as the format's microseconds. */
export function toMicros(ns: number): number {
  return ns / 1000;
}

/** The process id of the main process (1) and of the others. */
const pidOf = (process: number) => process + 1;
const tidOf = (thread: number) => thread + 1;

/** The trace's events, in a fixed order: metadata, states, GIL holds, markers, requests, counters, flows. */
export function chromeTraceEvents(trace: Trace, extras: ChromeExtras = {}): ChromeEvent[] {
  const events: ChromeEvent[] = [];
  const names = new Map(trace.threads.map((t) => [t.id, t.name]));
  const processes = [...new Set(trace.threads.map((t) => t.process))].sort((a, b) => a - b);
  const gilProcesses = new Set(trace.gil.map((h) => h.process));
  // The GIL tracks take thread ids after every real thread's.
  const firstGilTid = tidOf(Math.max(-1, ...trace.threads.map((t) => t.id)) + 1);
  const gilTid = (process: number) => firstGilTid + process;

  for (const p of processes) {
    const name = p === 0 ? `${trace.scenario}: main process` : `process ${p}`;
    events.push({ name: "process_name", ph: "M", pid: pidOf(p), tid: 0, args: { name } });
    events.push({ name: "process_sort_index", ph: "M", pid: pidOf(p), tid: 0, args: { sort_index: p } });
    if (gilProcesses.has(p)) {
      events.push({ name: "thread_name", ph: "M", pid: pidOf(p), tid: gilTid(p), args: { name: "GIL" } });
      events.push({ name: "thread_sort_index", ph: "M", pid: pidOf(p), tid: gilTid(p), args: { sort_index: -1 } });
    }
  }
  for (const t of trace.threads) {
    events.push({ name: "thread_name", ph: "M", pid: pidOf(t.process), tid: tidOf(t.id), args: { name: t.name } });
    events.push({
      name: "thread_sort_index",
      ph: "M",
      pid: pidOf(t.process),
      tid: tidOf(t.id),
      args: { sort_index: t.id },
    });
  }

  const processOf = new Map(trace.threads.map((t) => [t.id, t.process]));
  for (const iv of trace.intervals) {
    events.push({
      name: iv.state,
      cat: iv.state,
      ph: "X",
      ts: toMicros(iv.start),
      dur: toMicros(iv.end - iv.start),
      pid: pidOf(processOf.get(iv.thread) ?? 0),
      tid: tidOf(iv.thread),
      cname: COLOURS[iv.state],
    });
  }
  for (const h of trace.gil) {
    events.push({
      name: names.get(h.thread) ?? `thread ${h.thread}`,
      cat: "gil-hold",
      ph: "X",
      ts: toMicros(h.start),
      dur: toMicros(h.end - h.start),
      pid: pidOf(h.process),
      tid: gilTid(h.process),
      args: { thread: h.thread, reason: h.reason },
    });
  }
  for (const m of trace.markers) {
    events.push({
      name: m.kind,
      cat: "marker",
      ph: "i",
      s: "t",
      ts: toMicros(m.time),
      pid: pidOf(m.process),
      tid: tidOf(m.thread),
    });
  }
  const mainTid = tidOf(trace.threads.find((t) => t.process === 0)?.id ?? 0);
  for (const task of trace.tasks) events.push(...requestSpan(task, pidOf(0), mainTid, processOf));
  events.push(...counters(trace, pidOf(0), mainTid, processOf, extras));
  events.push(...flows(trace, gilTid));
  return events;
}

/** A step whose span is open on a request's track, and the call that closes it. */
interface OpenStep {
  step: StepRecord;
  close: () => void;
}
type OpenSteps = OpenStep[];

/**
 * One request as a nestable async span: "queued" from arrival to start, then its steps, an
 * offload's own steps inside it. A step that overlaps another without nesting in it (the format
 * requires each async track's spans to nest) goes on a track of its own, "request N, lane k",
 * rather than being left out.
 */
function requestSpan(task: TaskRecord, pid: number, tid: number, processOf: Map<number, number>): ChromeEvent[] {
  const out: ChromeEvent[] = [];
  const spanOf =
    (id: number | string) => (name: string, start: number, end: number, args?: Record<string, string | number>) => {
      out.push({ name, cat: "request", ph: "b", id, ts: toMicros(start), pid, tid, ...(args ? { args } : {}) });
      return () => out.push({ name, cat: "request", ph: "e", id, ts: toMicros(end), pid, tid });
    };
  const span = spanOf(task.id + 1);
  const closeTask = span(`request ${task.id} (${task.class})`, task.arrival, task.end, {
    class: task.class,
    latency_us: toMicros(task.end - task.arrival),
  });
  if (task.start > task.arrival) span("queued", task.arrival, task.start)();
  // Steps nest by time: an offload step holds the steps its worker ran.
  const steps = [...task.steps].sort((a, b) => a.start - b.start || b.end - a.end);
  /** Per track (lane 0: the request's own), the steps still open on it, outermost first. */
  const lanes: OpenSteps[] = [[]];
  const closeAll = (open: OpenSteps) => {
    while (open.length > 0) open.pop()?.close();
  };
  for (const step of steps) {
    // The first lane where the step nests in what is still open there (or where nothing is).
    let lane = 0;
    for (; ; lane++) {
      if (!lanes[lane]) lanes[lane] = [];
      const open = lanes[lane] as OpenSteps;
      while (open.length > 0 && (open.at(-1) as OpenStep).step.end <= step.start) open.pop()?.close();
      const outer = open.at(-1)?.step;
      if (!outer || step.end <= outer.end) break;
    }
    const name = step.kind === "cpu" ? `cpu (${step.gil ?? "python"})` : step.kind;
    const close = (lane === 0 ? span : spanOf(`${task.id + 1}.${lane}`))(
      lane === 0 ? name : `${name} (request ${task.id}, lane ${lane})`,
      step.start,
      step.end,
      {
        thread: step.thread,
        process: processOf.get(step.thread) ?? 0,
        demand_us: toMicros(step.demand),
      },
    );
    (lanes[lane] as OpenSteps).push({ step, close });
  }
  for (const open of lanes.slice(1)) closeAll(open);
  closeAll(lanes[0] as OpenSteps);
  closeTask();
  return out;
}

/** Step changes of a count as counter samples: one sample per distinct time, in time order. */
function countSeries(changes: [number, number][]): [number, number][] {
  changes.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  let level = 0;
  for (const [time, delta] of changes) {
    level += delta;
    if (out.length > 0 && (out.at(-1) as [number, number])[0] === time) (out.at(-1) as [number, number])[1] = level;
    else out.push([time, level]);
  }
  return out;
}

function counters(
  trace: Trace,
  pid: number,
  tid: number,
  processOf: Map<number, number>,
  extras: ChromeExtras,
): ChromeEvent[] {
  const out: ChromeEvent[] = [];
  // Tasks waiting to start and running: two series of one counter.
  const times = new Map<number, { waiting: number; running: number }>();
  const bump = (t: number, w: number, r: number) => {
    const d = times.get(t) ?? { waiting: 0, running: 0 };
    d.waiting += w;
    d.running += r;
    times.set(t, d);
  };
  for (const task of trace.tasks) {
    bump(task.arrival, 1, 0);
    bump(task.start, -1, 1);
    bump(task.end, 0, -1);
  }
  let waiting = 0;
  let running = 0;
  for (const [t, d] of [...times].sort((a, b) => a[0] - b[0])) {
    waiting += d.waiting;
    running += d.running;
    out.push({ name: "tasks", cat: "counter", ph: "C", ts: toMicros(t), pid, tid, args: { waiting, running } });
  }
  // Threads waiting for each process's GIL.
  // Every process with a GIL gets the track, from 0 at the start, even when nobody ever waits.
  const waiters = new Map<number, [number, number][]>(
    [...new Set(trace.gil.map((h) => h.process))].map((p) => [p, [[0, 0]] as [number, number][]]),
  );
  for (const iv of trace.intervals) {
    if (iv.state !== "wait-gil") continue;
    const p = processOf.get(iv.thread) ?? 0;
    const list = waiters.get(p) ?? [];
    list.push([iv.start, 1], [iv.end, -1]);
    waiters.set(p, list);
  }
  for (const [p, changes] of [...waiters].sort((a, b) => a[0] - b[0])) {
    for (const [t, n] of countSeries(changes)) {
      out.push({
        name: "GIL waiters",
        cat: "counter",
        ph: "C",
        ts: toMicros(t),
        pid: pidOf(p),
        tid,
        args: { threads: n },
      });
    }
  }
  for (const loop of extras.loops ?? []) {
    for (const point of loop.lagSeries) {
      out.push({
        name: "loop lag (ms)",
        cat: "counter",
        ph: "C",
        ts: toMicros(point.time),
        pid: pidOf(loop.process),
        tid,
        args: { lag: point.lag / 1e6 },
      });
    }
  }
  return out;
}

/** An arrow from each drop request to the forced switch that followed it in the same process. */
function flows(trace: Trace, gilTid: (process: number) => number): ChromeEvent[] {
  const out: ChromeEvent[] = [];
  const byProcess = new Map<number, Trace["markers"]>();
  for (const m of trace.markers) {
    if (m.kind !== "drop-request" && m.kind !== "forced-switch") continue;
    byProcess.set(m.process, [...(byProcess.get(m.process) ?? []), m]);
  }
  let id = 1;
  for (const [process, markers] of [...byProcess].sort((a, b) => a[0] - b[0])) {
    let request: Trace["markers"][number] | null = null;
    for (const m of [...markers].sort((a, b) => a.time - b.time || (a.kind === "drop-request" ? -1 : 1))) {
      if (m.kind === "drop-request") {
        request = m;
        continue;
      }
      if (request === null) continue;
      out.push(
        {
          name: "drop request",
          cat: "gil-flow",
          ph: "s",
          id,
          ts: toMicros(request.time),
          pid: pidOf(process),
          tid: tidOf(request.thread),
        },
        // No binding point: the arrow lands on the next slice of the GIL track, the hold the switch hands over.
        {
          name: "drop request",
          cat: "gil-flow",
          ph: "f",
          id,
          ts: toMicros(m.time),
          pid: pidOf(process),
          tid: gilTid(process),
        },
      );
      id++;
      request = null;
    }
  }
  return out;
}

/**
 * The trace as Chrome Trace Event JSON text: one event per line, so files diff well and stream
 * into the viewers. Same trace, same bytes.
 */
export function chromeTraceJson(trace: Trace, extras: ChromeExtras = {}): string {
  const other = { scenario: trace.scenario, seed: trace.seed, end_ns: trace.end, cores: trace.cores };
  const lines = chromeTraceEvents(trace, extras).map((e) => JSON.stringify(e));
  return `{"displayTimeUnit":"ns","otherData":${JSON.stringify(other)},"traceEvents":[\n${lines.join(",\n")}\n]}\n`;
}
