import { describe, expect, it } from "vitest";
import { layoutLanes } from "../../src/charts/timeline-lanes.js";
import type { Trace } from "../../src/trace/types.js";
import { smallTrace } from "../fixtures/trace.js";

function twoProcesses(): Trace {
  const trace = smallTrace();
  return {
    ...trace,
    threads: [
      ...trace.threads,
      { id: 4, name: "MainThread", process: 1, role: "process-worker" },
      { id: 5, name: "helper", process: 1, role: "worker" },
    ],
    gil: [...trace.gil, { process: 1, thread: 4, start: 0, end: 1, reason: "exit" }],
  };
}

describe("layoutLanes", () => {
  it("layoutLanes puts each process's GIL track before its threads, in id order", () => {
    const { lanes, threadLane, gilLane } = layoutLanes(twoProcesses(), null, true);
    expect(lanes.map((l) => l.label)).toEqual([
      "GIL, process 0",
      "MainThread (process 0)",
      "ThreadPoolExecutor-0_0",
      "ThreadPoolExecutor-0_1",
      "cruncher",
      "GIL, process 1",
      "MainThread (process 1)",
      "helper",
    ]);
    expect([...threadLane]).toEqual([1, 2, 3, 4, 6, 7]);
    expect([...gilLane]).toEqual([
      [0, 0],
      [1, 5],
    ]);
  });

  it("layoutLanes hides threads not asked for and GIL tracks when gil is false", () => {
    const { lanes, threadLane, gilLane } = layoutLanes(smallTrace(), new Set([3, 0]), false);
    expect(lanes.map((l) => l.label)).toEqual(["MainThread", "cruncher"]);
    expect([...threadLane]).toEqual([0, -1, -1, 1]);
    expect(gilLane.size).toBe(0);
  });

  it("layoutLanes labels a single process's GIL track plainly", () => {
    expect(layoutLanes(smallTrace(), null, true).lanes[0]).toEqual({ label: "GIL", kind: "gil", process: 0 });
  });
});
