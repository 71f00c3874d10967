import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { simulateExperiment } from "../../../src/real/mechanisms/compare.js";
import { sliceFigures } from "../../../src/real/mechanisms/extract.js";
import { formatGaps, MECHANISMS, mechanism, type SimContext } from "../../../src/real/mechanisms/registry.js";
import { scriptPath } from "../../../src/real/script.js";
import { parseScenario } from "../../../src/scenario/scenario.js";
import type { GilHold } from "../../../src/trace/types.js";

const python = readFileSync(scriptPath("mechanisms.py"), "utf8");
const ctx: SimContext = {
  python: "3.11",
  cores: 2,
  real: (key) => (key.startsWith("solo.") ? 40_000 : key.startsWith("percall.") ? 200_000 : null),
};

describe("the mechanism registry", () => {
  test("lists the experiments of mechanisms.py, in its order", () => {
    const block = python.slice(python.indexOf("EXPERIMENTS = ("));
    const ids = [...block.slice(0, block.indexOf("\n)\n")).matchAll(/\("([a-z0-9-]+)", \w+\)/g)].map((m) => m[1]);
    expect(MECHANISMS.map((e) => e.id)).toEqual(ids);
  });

  test("every compared figure is simulated by exactly one case or named by exactly one format gap", () => {
    for (const e of MECHANISMS) {
      const covered = [...e.cases.flatMap((c) => c.figures), ...e.gaps.flatMap((g) => g.figures)];
      const compared = e.figures.filter((f) => f.role === "compared").map((f) => f.key);
      expect([...covered].sort(), e.id).toEqual([...compared].sort());
      expect(new Set(covered).size, e.id).toBe(covered.length);
      expect(e.description.length, e.id).toBeGreaterThan(100);
    }
  });

  test("every case's scenarios are valid scenarios, and cases that need a recorded input say so with null", () => {
    for (const e of MECHANISMS) {
      for (const c of e.cases) {
        const inputs = c.scenarios(ctx);
        expect(inputs, `${e.id} ${c.figures[0]}`).not.toBeNull();
        for (const input of inputs ?? []) expect(() => parseScenario(input)).not.toThrow();
      }
    }
    const release = mechanism("gil-release")?.cases[0];
    expect(release?.scenarios({ ...ctx, real: () => null })).toBeNull();
  });

  test("no format gap is left: create_task in a coroutine, thread start and join, chunked map and sockets are simulated", () => {
    expect([...formatGaps().keys()]).toEqual([]);
    const simulated = (id: string) => mechanism(id)?.cases.flatMap((c) => c.figures) ?? [];
    expect(simulated("asyncio-costs")).toContain("create-task");
    expect(simulated("thread-pool")).toContain("start-join");
    expect(simulated("process-map")).toContain("map.chunk50");
    expect(simulated("sockets")).toHaveLength(12);
  });

  test("the socket experiment in the model: one spinner costs the echo server most of its rate, a shorter interval less", () => {
    const figures = simulateExperiment(mechanism("sockets")!, ctx, null);
    const alone = figures.get("rps.k0.i5ms") as number;
    const busy5 = figures.get("rps.k1.i5ms") as number;
    const busy01 = figures.get("rps.k1.i0.1ms") as number;
    // Alone: tens of microseconds a round trip. Beside a spinner, every retake of the GIL waits
    // for the spinner's slice: a round trip costs milliseconds, over ten times the rate lost.
    // (How many milliseconds is the known gap: real CPython pays about two 5 ms intervals a round
    // trip, this model less; known-gaps.json lists sockets/rps.k1.* until it is closed.)
    expect(alone).toBeGreaterThan(5000);
    expect(busy5).toBeLessThan(alone / 10);
    expect(busy5).toBeLessThan(1 / 1e-3);
    expect(busy01).toBeGreaterThan(busy5 * 3);
  });
});

describe("sliceFigures", () => {
  const holds = (who: number[], slice = 5e6, gap = 10e3): GilHold[] =>
    who.map((thread, i) => ({
      process: 0,
      thread,
      start: i * (slice + gap),
      end: i * (slice + gap) + slice,
      reason: "forced",
    }));

  test("reads slices, gaps, and the displaced-last share: 1 for a thread ping-pong, 0 for round-robin", () => {
    const pingPong = sliceFigures(holds([0, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2]), 3);
    expect(pingPong["slice.median.n3"]).toBe(5e6);
    expect(pingPong["handoff.median.n3"]).toBe(10e3);
    expect(pingPong["winner.last.n3"]).toBe(1);
    const roundRobin = sliceFigures(holds([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0]), 3);
    expect(roundRobin["winner.last.n3"]).toBe(0);
    expect(sliceFigures(holds([0, 1, 0, 1, 0, 1, 0, 1]), 2)).not.toHaveProperty("winner.last.n2");
  });
});

describe("simulateExperiment", () => {
  test("the GIL experiment in the model: slices of one switch interval and more, hand-offs of microseconds", () => {
    const figures = simulateExperiment(mechanism("gil-threads")!, ctx, null);
    for (const n of [2, 3, 4, 6]) {
      expect(figures.get(`slice.median.n${n}`)).toBeGreaterThanOrEqual(5e6);
      expect(figures.get(`handoff.median.n${n}`)).toBeGreaterThan(0);
      expect(figures.get(`handoff.median.n${n}`)).toBeLessThan(1e6);
    }
    // one waiter besides the dropper: it always is the thread displaced last
    expect(figures.has("winner.last.n2")).toBe(false);
    const w3 = figures.get("winner.last.n3") as number;
    expect(w3).toBeGreaterThanOrEqual(0);
    expect(w3).toBeLessThanOrEqual(1);
  });

  test("gather is timed to its last done callback, as asyncio.gather returns: per task a create_task and two loop steps", () => {
    const figures = simulateExperiment(mechanism("asyncio-costs")!, ctx, null);
    // 3.11's defaults (profiles.ts, LOOP_COSTS): create_task 5.90 us, a step 3.53 us. Each task
    // is created, runs its one step, and ends with its done callback (one more step); the loop's
    // iterations add a little. Timed to the last task's end, it would be one step a task less.
    const perTask = 5900 + 2 * 3530;
    for (const [key, n] of [
      ["gather.1k", 1000],
      ["gather.10k", 10000],
    ] as const) {
      const t = figures.get(key) as number;
      expect(t / (n * perTask), key).toBeGreaterThan(0.98);
      expect(t / (n * perTask), key).toBeLessThan(1.05);
    }
  });

  test("a new pool's first result is the median over 15 new pools, as the recording's median over its pools, not one draw", () => {
    const figures = simulateExperiment(mechanism("process-start")!, ctx, null);
    // The version defaults' start-up (profiles.ts, START): lognormal, median 180 ms for spawn and
    // 195 ms for forkserver; one round trip on top is under a millisecond. The median of 15 draws
    // of a lognormal whose p99 is 1.28 x its median has a standard error of about 3.4%; the one
    // draw of seed 1 the comparison used before was 13% under the median.
    expect((figures.get("first.spawn") as number) / 180e6).toBeGreaterThan(0.96);
    expect((figures.get("first.spawn") as number) / 180e6).toBeLessThan(1.04);
    expect((figures.get("first.forkserver") as number) / 195e6).toBeGreaterThan(0.96);
    expect((figures.get("first.forkserver") as number) / 195e6).toBeLessThan(1.04);
  });

  test("speed-up of GIL-releasing work on 2 cores is above 1 and at most 2", () => {
    const figures = simulateExperiment(mechanism("release-speedup")!, ctx, null);
    for (const k of [2, 4]) {
      const s = figures.get(`speedup.sha256-1m.k${k}`) as number;
      expect(s).toBeGreaterThan(1);
      expect(s).toBeLessThanOrEqual(2.0001);
    }
  });
});
