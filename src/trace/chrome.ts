import type { ThreadState, Trace } from "./types.js";

/*
 * A trace in the Chrome Trace Event format (JSON object form), which Perfetto (ui.perfetto.dev)
 * and chrome://tracing open. Processes and threads are named with metadata events; each state
 * interval is one complete ("X") event named after the state; each process with a GIL gets a
 * "GIL" track whose events (category "gil-hold") are the holds, named after the holder; markers are instant ("i")
 * events. The format counts time in microseconds: nanoseconds are divided by 1000 and keep their
 * last three digits as decimals. Process and thread ids are shifted by one, because Perfetto
 * treats pid 0 as the kernel's.
 */

export interface ChromeEvent {
  name: string;
  ph: "M" | "X" | "i";
  pid: number;
  tid: number;
  cat?: string;
  ts?: number;
  dur?: number;
  /** Instant events: scope of the mark ("t": the thread). */
  s?: "t";
  /** chrome://tracing colour name. */
  cname?: string;
  args?: Record<string, string | number>;
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

/** The trace's events, in a fixed order: metadata, states, GIL holds, markers. */
export function chromeTraceEvents(trace: Trace): ChromeEvent[] {
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
  return events;
}

/**
 * The trace as Chrome Trace Event JSON text: one event per line, so files diff well and stream
 * into the viewers. Same trace, same bytes.
 */
export function chromeTraceJson(trace: Trace): string {
  const other = { scenario: trace.scenario, seed: trace.seed, end_ns: trace.end, cores: trace.cores };
  const lines = chromeTraceEvents(trace).map((e) => JSON.stringify(e));
  return `{"displayTimeUnit":"ns","otherData":${JSON.stringify(other)},"traceEvents":[\n${lines.join(",\n")}\n]}\n`;
}
