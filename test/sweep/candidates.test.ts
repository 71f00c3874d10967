import { describe, expect, test } from "vitest";
import { parseScenario } from "../../src/scenario/scenario.js";
import { candidatesFor, compareCost, offloads } from "../../src/sweep/candidates.js";
import { tinyScenario } from "./fixtures.js";

const offloading = {
  ...tinyScenario(),
  executor: { kind: "asyncio", loops: 2 },
  workload: {
    arrivals: { kind: "batch", count: 4 },
    classes: [{ steps: [{ repeat: 2, steps: [{ offload: [{ cpu: "1ms" }] }] }] }],
  },
};

describe("offloads", () => {
  test("offloads finds offload steps, inside repeats too", () => {
    expect(offloads(parseScenario(tinyScenario()))).toBe(false);
    expect(offloads(parseScenario(offloading))).toBe(true);
  });
});

describe("candidatesFor", () => {
  test("candidatesFor offers pools and asyncio loops for plain tasks, and GIL-off threads when asked", () => {
    const base = parseScenario(tinyScenario());
    expect(candidatesFor(base, null).map((c) => c.id)).toEqual(["threads", "processes", "asyncio"]);
    expect(candidatesFor(base, "3.13t").map((c) => c.id)).toEqual(["threads", "processes", "asyncio", "threads-nogil"]);
  });

  test("candidatesFor writes each layout at a size into a valid scenario", () => {
    const raw = tinyScenario();
    const [threads, processes, asyncio, nogil] = candidatesFor(parseScenario(raw), "3.14t");
    expect(parseScenario(threads!.apply(raw, 6)).executor).toEqual({ kind: "threads", workers: 6 });
    expect(parseScenario(processes!.apply(raw, 3)).executor).toMatchObject({ kind: "processes", workers: 3 });
    expect(parseScenario(asyncio!.apply(raw, 2)).executor).toEqual({ kind: "asyncio", loops: 2, offload: null });
    expect(asyncio!.unit).toEqual(["loop", "loops"]);
    expect(threads!.unit).toEqual(["worker", "workers"]);
    const free = parseScenario(nogil!.apply(raw, 4));
    expect(free.runtime).toMatchObject({ python: "3.14t", gil: false });
    expect(free.executor).toEqual({ kind: "threads", workers: 4 });
  });

  test("candidatesFor sizes the loop's executor when tasks offload, keeping the loops", () => {
    const cs = candidatesFor(parseScenario(offloading), "3.13t");
    expect(cs.map((c) => c.id)).toEqual(["asyncio+threads", "asyncio+processes", "asyncio+threads-nogil"]);
    expect(parseScenario(cs[1]!.apply(offloading, 5)).executor).toMatchObject({
      kind: "asyncio",
      loops: 2,
      offload: { kind: "processes", workers: 5 },
    });
    expect(cs[0]!.cost(4)).toEqual({ processes: 2, threads: 10 });
  });
});

describe("compareCost", () => {
  test("compareCost puts fewer processes first, then fewer threads", () => {
    const costs = [
      { processes: 2, threads: 2 },
      { processes: 1, threads: 9 },
      { processes: 1, threads: 3 },
    ];
    expect([...costs].sort(compareCost)).toEqual([costs[2], costs[1], costs[0]]);
  });
});
