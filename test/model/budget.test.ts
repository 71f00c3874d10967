import { describe, expect, test } from "vitest";
import { MAX_TIME } from "../../src/engine/time.js";
import { capacityBound, checkBudget, estimateRun, MAX_RUN_STEPS } from "../../src/model/budget.js";
import { simulate } from "../../src/model/simulate.js";
import { ScenarioError } from "../../src/scenario/errors.js";
import { getPreset, presetNames } from "../../src/scenario/presets.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import type { ScenarioInput } from "../../src/scenario/schema.js";

/*
 * Before a run starts, its time, work and memory are estimated from the scenario, and a run that
 * cannot finish is refused with its cause. Before, a batch of 10 million tasks at time zero was
 * killed for memory, and absurd runs hung without a word.
 */

const GB = 1e9;

function problemOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ScenarioError) return error.message;
    throw error;
  }
  throw new Error("expected a ScenarioError");
}

const io = (
  arrivals: ScenarioInput["workload"]["arrivals"],
  executor: ScenarioInput["executor"] = { kind: "asyncio" },
) =>
  parseScenario({
    name: "s",
    executor,
    workload: { arrivals, classes: [{ steps: [{ cpu: "100us" }, { io: "10ms" }] }] },
  });

describe("checkBudget", () => {
  test("a batch of 10 million tasks at time zero is refused, naming the batch, the memory and what to use instead", () => {
    const s = io({ kind: "batch", count: 10_000_000 });
    expect(problemOf(() => checkBudget(s, { traceInMemory: false, memoryLimit: 3 * GB }))).toBe(
      "s: a batch of 10,000,000 tasks at time 0 keeps every task in memory at once: about 12 GB, more than the 3 GB this run may use (use poisson or fixed arrivals, which hold only the tasks in flight, or fewer tasks)",
    );
  });

  test("10 million Poisson arrivals at a load the loop keeps up with need little memory, and pass", () => {
    const s = io({ kind: "poisson", rate: "1000/s", count: 10_000_000 });
    const e = checkBudget(s, { traceInMemory: false, memoryLimit: 256e6 });
    expect(e.peakTasks).toBeLessThan(100);
    expect(e.bytes).toBeLessThan(256e6);
  });

  test("an overloaded open workload is refused when its backlog cannot fit, with the executor's capacity", () => {
    const s = parseScenario({
      name: "s",
      executor: { kind: "threads", workers: 4 },
      workload: {
        arrivals: { kind: "poisson", rate: "1000/s", count: 50_000_000 },
        classes: [{ steps: [{ io: "10ms" }] }],
      },
    });
    expect(capacityBound(s).perSecond).toBeCloseTo(400, 6);
    expect(problemOf(() => checkBudget(s, { traceInMemory: false, memoryLimit: 3 * GB }))).toMatch(
      /^s: arrivals at 1,000\/s are more than this executor can serve \(at most about 400\/s: 4 workers, each busy 10ms a task\), so a backlog of about 30,000,000 tasks builds up in memory: about \d+ GB, more than the 3 GB this run may use/,
    );
  });

  test("replayed arrivals are budgeted at their mean rate, and only the times before run.until count", () => {
    // 1,000,000 arrivals 1 ms apart (1,000/s) on 4 workers busy 10 ms each (400/s).
    const times = Array.from({ length: 1_000_000 }, (_, i) => i);
    const s = parseScenario({
      name: "s",
      executor: { kind: "threads", workers: 4 },
      workload: { arrivals: { kind: "replay", times }, classes: [{ steps: [{ io: "10ms" }] }] },
    });
    expect(problemOf(() => checkBudget(s, { traceInMemory: false, memoryLimit: 0.1 * GB }))).toMatch(
      /^s: arrivals at 1,000\/s are more than this executor can serve \(at most about 400\/s: 4 workers, each busy 10ms a task\), so a backlog of about 600,000 tasks builds up in memory/,
    );
    const cut = parseScenario({
      ...structuredClone(getPreset("web-api")),
      workload: { arrivals: { kind: "replay", times }, classes: [{ steps: [{ io: "10ms" }] }] },
      run: { until: "1s" },
    });
    const all = estimateRun({ ...cut, run: { ...cut.run, until: null } }, { traceInMemory: false });
    // Times 0, 1, ..., 1000 ms are at or before 1 s: 1,001 of the million arrive.
    expect(estimateRun(cut, { traceInMemory: false }).steps / all.steps).toBeCloseTo(1001 / 1_000_000, 9);
  });

  test("a trace too big to hold is refused with the way to stream it", () => {
    const s = io({ kind: "poisson", rate: "1000/s", count: 5_000_000 });
    expect(checkBudget(s, { traceInMemory: false, memoryLimit: GB }).traceBytes).toBe(0);
    expect(problemOf(() => checkBudget(s, { traceInMemory: true, memoryLimit: GB }))).toMatch(
      /recording the trace of this run in memory takes about 4\.6 GB, more than the 1 GB this run may use: stream it to disk instead \(gilsim trace --format jsonl\)/,
    );
  });

  test("more than 1e10 steps is refused unless an event limit bounds the run", () => {
    const s = parseScenario({
      name: "s",
      executor: { kind: "sync" },
      workload: {
        arrivals: { kind: "poisson", rate: "1/ms", count: 1_000_000 },
        classes: [{ steps: [{ repeat: 100_000, steps: [{ cpu: "1ns" }] }] }],
      },
    });
    expect(estimateRun(s, { traceInMemory: false }).steps).toBeGreaterThan(MAX_RUN_STEPS);
    expect(problemOf(() => checkBudget(s, { traceInMemory: false }))).toMatch(
      /the run takes about 1\.0e11 steps .*, more than the 1\.0e10 a run may take \(hours of work\): use fewer tasks or repeats, or pass --max-events N to run part of it$/,
    );
    expect(() => checkBudget(s, { traceInMemory: false, maxEvents: 1e6 })).not.toThrow();
  });

  test("a run whose last arrival comes past 2^53 ns is refused before it starts", () => {
    const s = io({ kind: "fixed", rate: "1/min", count: 1_000_000 });
    expect(problemOf(() => checkBudget(s, { traceInMemory: false }))).toBe(
      "s: the run would last past 104 days of simulated time, the most the clock holds exactly (2^53 ns): the last of 1,000,000 arrivals at 0.0167/s comes about 1.9 years (set run.until to stop it earlier, or shorten it)",
    );
  });

  test("every preset passes with room to spare", () => {
    for (const name of presetNames()) {
      const e = checkBudget(parseScenario(getPreset(name)), { traceInMemory: true, memoryLimit: 256e6 });
      expect(e.bytes, name).toBeLessThan(256e6);
    }
  });
});

describe("simulate's clock guard", () => {
  test("an event past 2^53 ns stops the run with a scenario error, not Infinity in the results", () => {
    // Each value is in range, and so is the last arrival; an arrival plus a long wait is not.
    const s = parseScenario({
      name: "late",
      executor: { kind: "asyncio" },
      workload: {
        arrivals: { kind: "fixed", rate: 2 / ((MAX_TIME / 1e9) * 0.9), count: 3 },
        classes: [{ steps: [{ io: `${Math.floor((MAX_TIME / 1e9) * 0.8)}s` }] }],
      },
    });
    expect(problemOf(() => simulate(s))).toMatch(
      /^late: the run passed 104 days of simulated time, the most the clock holds exactly \(2\^53 ns\) \(an event at [\d.e+]+s\)/,
    );
  });
});
