import { describe, expect, test } from "vitest";
import { simulate } from "../../src/model/simulate.js";
import { getPreset } from "../../src/scenario/presets.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import { type ChromeEvent, chromeTraceEvents, chromeTraceJson, toMicros } from "../../src/trace/chrome.js";
import type { Trace } from "../../src/trace/types.js";
import { checkTraceEvents } from "./chrome-format.js";

/**
 * Two threads in the main process and one in a worker process, over 3 us. The main thread holds
 * the GIL, drops it for IO, and waits for it when the worker's C call hands it back late.
 */
const TRACE: Trace = {
  scenario: "tiny",
  seed: 9,
  end: 3000,
  cores: 2,
  threads: [
    { id: 0, name: "MainThread", process: 0, role: "main" },
    { id: 1, name: "worker-0", process: 0, role: "worker" },
    { id: 2, name: "proc-1/MainThread", process: 1, role: "process-worker" },
  ],
  intervals: [
    { thread: 0, state: "gil", start: 0, end: 1000 },
    { thread: 0, state: "io", start: 1000, end: 1500 },
    { thread: 0, state: "wait-gil", start: 1500, end: 2001 },
    { thread: 0, state: "gil", start: 2001, end: 3000 },
    { thread: 1, state: "wait-gil", start: 0, end: 1000 },
    { thread: 1, state: "gil", start: 1000, end: 2001 },
    { thread: 1, state: "idle", start: 2001, end: 3000 },
    { thread: 2, state: "nogil", start: 0, end: 1234 },
    { thread: 2, state: "wait-core", start: 1234, end: 3000 },
  ],
  gil: [
    { process: 0, thread: 0, start: 0, end: 1000, reason: "voluntary" },
    { process: 0, thread: 1, start: 1000, end: 2001, reason: "forced" },
    { process: 0, thread: 0, start: 2001, end: 3000, reason: "exit" },
  ],
  markers: [
    { time: 1500, thread: 0, process: 0, kind: "convoy" },
    { time: 2000, thread: 1, process: 0, kind: "forced-switch" },
  ],
  tasks: [],
  iterations: [],
};

/** What the fixture must give, written out by hand: pids and tids are shifted by one; the GIL track is tid 4. */
const EXPECTED: ChromeEvent[] = [
  { name: "process_name", ph: "M", pid: 1, tid: 0, args: { name: "tiny: main process" } },
  { name: "process_sort_index", ph: "M", pid: 1, tid: 0, args: { sort_index: 0 } },
  { name: "thread_name", ph: "M", pid: 1, tid: 4, args: { name: "GIL" } },
  { name: "thread_sort_index", ph: "M", pid: 1, tid: 4, args: { sort_index: -1 } },
  { name: "process_name", ph: "M", pid: 2, tid: 0, args: { name: "process 1" } },
  { name: "process_sort_index", ph: "M", pid: 2, tid: 0, args: { sort_index: 1 } },
  { name: "thread_name", ph: "M", pid: 1, tid: 1, args: { name: "MainThread" } },
  { name: "thread_sort_index", ph: "M", pid: 1, tid: 1, args: { sort_index: 0 } },
  { name: "thread_name", ph: "M", pid: 1, tid: 2, args: { name: "worker-0" } },
  { name: "thread_sort_index", ph: "M", pid: 1, tid: 2, args: { sort_index: 1 } },
  { name: "thread_name", ph: "M", pid: 2, tid: 3, args: { name: "proc-1/MainThread" } },
  { name: "thread_sort_index", ph: "M", pid: 2, tid: 3, args: { sort_index: 2 } },
  { name: "gil", cat: "gil", ph: "X", ts: 0, dur: 1, pid: 1, tid: 1, cname: "thread_state_running" },
  { name: "io", cat: "io", ph: "X", ts: 1, dur: 0.5, pid: 1, tid: 1, cname: "thread_state_iowait" },
  { name: "wait-gil", cat: "wait-gil", ph: "X", ts: 1.5, dur: 0.501, pid: 1, tid: 1, cname: "terrible" },
  { name: "gil", cat: "gil", ph: "X", ts: 2.001, dur: 0.999, pid: 1, tid: 1, cname: "thread_state_running" },
  { name: "wait-gil", cat: "wait-gil", ph: "X", ts: 0, dur: 1, pid: 1, tid: 2, cname: "terrible" },
  { name: "gil", cat: "gil", ph: "X", ts: 1, dur: 1.001, pid: 1, tid: 2, cname: "thread_state_running" },
  { name: "idle", cat: "idle", ph: "X", ts: 2.001, dur: 0.999, pid: 1, tid: 2, cname: "thread_state_sleeping" },
  { name: "nogil", cat: "nogil", ph: "X", ts: 0, dur: 1.234, pid: 2, tid: 3, cname: "good" },
  {
    name: "wait-core",
    cat: "wait-core",
    ph: "X",
    ts: 1.234,
    dur: 1.766,
    pid: 2,
    tid: 3,
    cname: "thread_state_runnable",
  },
  {
    name: "MainThread",
    cat: "gil-hold",
    ph: "X",
    ts: 0,
    dur: 1,
    pid: 1,
    tid: 4,
    args: { thread: 0, reason: "voluntary" },
  },
  {
    name: "worker-0",
    cat: "gil-hold",
    ph: "X",
    ts: 1,
    dur: 1.001,
    pid: 1,
    tid: 4,
    args: { thread: 1, reason: "forced" },
  },
  {
    name: "MainThread",
    cat: "gil-hold",
    ph: "X",
    ts: 2.001,
    dur: 0.999,
    pid: 1,
    tid: 4,
    args: { thread: 0, reason: "exit" },
  },
  { name: "convoy", cat: "marker", ph: "i", s: "t", ts: 1.5, pid: 1, tid: 1 },
  { name: "forced-switch", cat: "marker", ph: "i", s: "t", ts: 2, pid: 1, tid: 2 },
  // Threads waiting for process 0's GIL: worker-0 over [0, 1) us, MainThread over [1.5, 2.001) us.
  { name: "GIL waiters", cat: "counter", ph: "C", ts: 0, pid: 1, tid: 1, args: { threads: 1 } },
  { name: "GIL waiters", cat: "counter", ph: "C", ts: 1, pid: 1, tid: 1, args: { threads: 0 } },
  { name: "GIL waiters", cat: "counter", ph: "C", ts: 1.5, pid: 1, tid: 1, args: { threads: 1 } },
  { name: "GIL waiters", cat: "counter", ph: "C", ts: 2.001, pid: 1, tid: 1, args: { threads: 0 } },
];

/** X events of one track must not overlap (the viewers nest or drop overlapping slices). */
function overlaps(events: ChromeEvent[]): string[] {
  const tracks = new Map<string, ChromeEvent[]>();
  for (const e of events) {
    if (e.ph !== "X") continue;
    const key = `${e.pid}/${e.tid}`;
    tracks.set(key, [...(tracks.get(key) ?? []), e]);
  }
  const bad: string[] = [];
  for (const [key, list] of tracks) {
    list.sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0));
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1]!;
      // Compare in ns, rounded, to avoid float noise from the division by 1000.
      if (Math.round(((prev.ts ?? 0) + (prev.dur ?? 0)) * 1000) > Math.round((list[i]!.ts ?? 0) * 1000)) bad.push(key);
    }
  }
  return bad;
}

describe("chromeTraceEvents", () => {
  test("chromeTraceEvents gives the hand-written events for the fixture", () => {
    expect(chromeTraceEvents(TRACE)).toEqual(EXPECTED);
  });

  test("toMicros keeps nanoseconds as three decimals of microseconds", () => {
    expect(toMicros(1234567)).toBe(1234.567);
    expect(toMicros(1)).toBe(0.001);
    expect(String(toMicros(987654321012))).toBe("987654321.012");
  });

  test("chromeTraceEvents names every track that carries an event and overlaps none", () => {
    const events = chromeTraceEvents(TRACE);
    const named = new Set(events.filter((e) => e.name === "thread_name").map((e) => `${e.pid}/${e.tid}`));
    for (const e of events.filter((e) => e.ph !== "M")) expect(named.has(`${e.pid}/${e.tid}`)).toBe(true);
    expect(overlaps(events)).toEqual([]);
    expect(events.some((e) => e.pid === 0)).toBe(false);
  });
});

describe("chromeTraceJson", () => {
  test("chromeTraceJson is valid JSON in the object form with the events and the run's facts", () => {
    const parsed = JSON.parse(chromeTraceJson(TRACE));
    expect(parsed).toEqual({
      displayTimeUnit: "ns",
      otherData: { scenario: "tiny", seed: 9, end_ns: 3000, cores: 2 },
      traceEvents: EXPECTED,
    });
  });

  test("chromeTraceJson writes one event per line and the same bytes every time", () => {
    const text = chromeTraceJson(TRACE);
    expect(text).toBe(chromeTraceJson(structuredClone(TRACE)));
    expect(text.split("\n")).toHaveLength(EXPECTED.length + 3);
    expect(text.split("\n")[1]).toBe(
      '{"name":"process_name","ph":"M","pid":1,"tid":0,"args":{"name":"tiny: main process"}},',
    );
  });

  test("chromeTraceJson of an empty trace is still valid JSON", () => {
    const empty: Trace = { ...TRACE, threads: [], intervals: [], gil: [], markers: [] };
    expect(JSON.parse(chromeTraceJson(empty)).traceEvents).toEqual([]);
  });

  test("chromeTraceJson of a simulated convoy has one event per interval, hold and marker, none overlapping", () => {
    const scenario = parseScenario(getPreset("convoy"), "convoy");
    const trace = simulate(scenario, { trace: true }).trace!;
    const events = JSON.parse(chromeTraceJson(trace)).traceEvents as ChromeEvent[];
    const states = events.filter((e) => e.ph === "X" && e.cat !== "gil-hold");
    const holds = events.filter((e) => e.ph === "X" && e.cat === "gil-hold");
    expect(states).toHaveLength(trace.intervals.length);
    expect(holds).toHaveLength(trace.gil.length);
    expect(events.filter((e) => e.ph === "i")).toHaveLength(trace.markers.length);
    expect(holds.length).toBeGreaterThan(0);
    expect(overlaps(events)).toEqual([]);
  });
});

describe("chromeTraceJson against the Trace Event format", () => {
  const traceOf = (preset: string) => {
    const scenario = parseScenario(getPreset(preset), preset);
    const r = simulate(scenario, { trace: true });
    return { trace: r.trace as Trace, loops: r.metrics.loops };
  };

  test("the checker finds a broken trace: an unclosed span, a dangling flow, a text counter", () => {
    const problems = checkTraceEvents([
      { name: "r", ph: "b", cat: "request", id: 1, ts: 0, pid: 1, tid: 1 },
      { name: "x", ph: "s", cat: "gil-flow", id: 1, ts: 0, pid: 1, tid: 1 },
      { name: "c", ph: "C", ts: 0, pid: 1, tid: 1, args: { n: "three" } },
    ]);
    expect(problems).toHaveLength(3);
  });

  for (const preset of ["convoy", "web-api", "asyncio-offload", "process-pool"]) {
    test(`chromeTraceJson of the ${preset} preset is well formed: requests, counters and flows`, () => {
      const { trace, loops } = traceOf(preset);
      const events = JSON.parse(chromeTraceJson(trace, { loops })).traceEvents as ChromeEvent[];
      expect(checkTraceEvents(events)).toEqual([]);
      // One async span per request, holding its steps.
      const begins = events.filter((e) => e.ph === "b" && e.name.startsWith("request "));
      expect(begins).toHaveLength(trace.tasks.length);
      const steps = trace.tasks.reduce((n, t) => n + t.steps.length, 0);
      expect(events.filter((e) => e.ph === "b" && !e.name.startsWith("request ") && e.name !== "queued").length).toBe(
        steps,
      );
      // The tasks counter ends with nothing waiting or running.
      const tasks = events.filter((e) => e.ph === "C" && e.name === "tasks");
      expect(tasks.at(-1)?.args).toEqual({ waiting: 0, running: 0 });
      const peak = Math.max(...tasks.map((e) => Number(e.args?.running) + Number(e.args?.waiting)));
      expect(peak).toBeGreaterThan(0);
      if (trace.gil.length > 0) expect(events.some((e) => e.ph === "C" && e.name === "GIL waiters")).toBe(true);
      if (loops.length > 0) expect(events.some((e) => e.ph === "C" && e.name === "loop lag (ms)")).toBe(true);
    });
  }

  test("chromeTraceJson draws a flow from each drop request to the forced switch it causes", () => {
    const { trace } = traceOf("convoy");
    const events = JSON.parse(chromeTraceJson(trace)).traceEvents as ChromeEvent[];
    const forced = trace.markers.filter((m) => m.kind === "forced-switch").length;
    const starts = events.filter((e) => e.ph === "s");
    expect(forced).toBeGreaterThan(0);
    expect(starts).toHaveLength(forced);
    expect(events.filter((e) => e.ph === "f")).toHaveLength(forced);
    for (const s of starts) expect(s.name).toBe("drop request");
  });

  test("a step that overlaps another without nesting goes on a lane of its own, not out of the trace", () => {
    const trace: Trace = {
      ...TRACE,
      tasks: [
        {
          id: 0,
          class: "t",
          arrival: 0,
          start: 0,
          end: 3000,
          steps: [
            { kind: "offload", thread: 0, start: 0, end: 2000, demand: 0 },
            { kind: "cpu", gil: "python", thread: 1, start: 500, end: 1000, demand: 500 },
            // Starts inside the offload, ends after it: cannot nest on the request's own track.
            { kind: "io", thread: 1, start: 1500, end: 2500, demand: 1000 },
          ],
        },
      ],
    };
    const events = chromeTraceEvents(trace);
    expect(checkTraceEvents(events)).toEqual([]);
    const begins = events.filter((e) => e.ph === "b" && e.cat === "request");
    // The request, its two nested steps on its own track, and the io step on lane 1.
    expect(begins.map((e) => [e.name, e.id])).toEqual([
      ["request 0 (t)", 1],
      ["offload", 1],
      ["cpu (python)", 1],
      ["io (request 0, lane 1)", "1.1"],
    ]);
    expect(events.filter((e) => e.ph === "e" && e.cat === "request")).toHaveLength(4);
  });
});
