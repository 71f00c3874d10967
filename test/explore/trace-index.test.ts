import { describe, expect, test } from "vitest";
import { gilEvents, holdAt, holdersDuring, indexTrace, intervalAt, neighbours } from "../../src/explore/trace-index.js";
import { simulate } from "../../src/model/simulate.js";
import { getPreset } from "../../src/scenario/presets.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import type { Trace } from "../../src/trace/types.js";

function traceOf(name: string): Trace {
  const trace = simulate(parseScenario(getPreset(name)), { trace: true }).trace;
  if (!trace) throw new Error("no trace");
  return trace;
}

const convoy = traceOf("convoy");
const index = indexTrace(convoy);

describe("intervalAt, holdAt", () => {
  test("intervalAt finds every interval at its start and middle, and nothing past a thread's end", () => {
    for (const it of convoy.intervals) {
      expect(intervalAt(index, it.thread, it.start)).toBe(it);
      expect(intervalAt(index, it.thread, Math.floor((it.start + it.end) / 2))).toBe(it);
    }
    expect(intervalAt(index, 0, convoy.end + 1)).toBeNull();
  });

  test("holdAt finds every hold that takes time", () => {
    for (const h of convoy.gil) if (h.end > h.start) expect(holdAt(index, h.process, h.start)).toBe(h);
  });

  test("neighbours gives the interval starts either side of a time", () => {
    const main = convoy.intervals.filter((i) => i.thread === 0).sort((a, b) => a.start - b.start);
    const third = main[3];
    if (!third) throw new Error("too few intervals");
    expect(neighbours(index, 0, third.start + 1)).toEqual({ before: third.start, after: main[4]?.start ?? null });
    expect(neighbours(index, 0, third.start)).toEqual({ before: main[2]?.start, after: main[4]?.start ?? null });
  });

  test("holdersDuring names who held the GIL while MainThread waited for it: the cruncher", () => {
    const waits = convoy.intervals.filter((i) => i.thread === 0 && i.state === "wait-gil");
    expect(waits.length).toBeGreaterThan(100);
    for (const w of waits) expect(holdersDuring(index, 0, w.start, w.end)).toContain("cruncher");
  });
});

describe("gilEvents", () => {
  test("gilEvents lists every marker of the window and every hand-off, in time order", () => {
    const events = gilEvents(index, [0, convoy.end], 100_000);
    for (const kind of ["drop-request", "forced-switch", "convoy"] as const) {
      expect(events.filter((e) => e.kind === kind).length).toBe(convoy.markers.filter((m) => m.kind === kind).length);
    }
    const holds = [...convoy.gil].sort((a, b) => a.start - b.start);
    const handOffs = holds.filter((h, i) => i === 0 || holds[i - 1]?.thread !== h.thread).length;
    expect(events.filter((e) => e.kind === "take").length).toBe(handOffs);
    for (let i = 1; i < events.length; i++) expect(events[i]?.time).toBeGreaterThanOrEqual(events[i - 1]?.time ?? 0);
    // Each convoy happens while the other thread holds the GIL.
    const names = new Map(convoy.threads.map((t) => [t.id, t.name]));
    for (const e of events.filter((x) => x.kind === "convoy")) expect(names.get(e.holder ?? -1)).toBe("cruncher");
  });

  test("gilEvents keeps to the window and to the limit", () => {
    const window: [number, number] = [convoy.end / 10, convoy.end / 5];
    const events = gilEvents(index, window);
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(e.time >= window[0] && e.time <= window[1]).toBe(true);
    expect(gilEvents(index, [0, convoy.end], 5).length).toBe(5);
  });

  test("a single event loop thread has no hand-off after its first take", () => {
    const events = gilEvents(indexTrace(traceOf("asyncio-io")), [0, Number.MAX_SAFE_INTEGER]);
    expect(events.map((e) => e.kind)).toEqual(["take"]);
  });
});
