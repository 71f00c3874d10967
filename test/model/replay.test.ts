import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planTasks } from "../../src/model/plan.js";
import { simulate } from "../../src/model/simulate.js";
import { ScenarioError } from "../../src/scenario/errors.js";
import { MAX_REPLAY_TIMES } from "../../src/scenario/replay.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import type { ScenarioInput } from "../../src/scenario/schema.js";

/*
 * Replayed arrivals ({"kind": "replay", "times": [ms, ...]}): task i arrives at times[i], to the
 * nanosecond (ms x 1e6, rounded), whatever runs it; and a list that is not a list of times in
 * order is refused with one line naming the element.
 */

type Executor = ScenarioInput["executor"];

const executors: fc.Arbitrary<Executor> = fc.constantFrom<Executor>(
  { kind: "sync" },
  { kind: "threads", workers: 1 },
  { kind: "threads", workers: 4 },
  { kind: "asyncio" },
  { kind: "asyncio", loops: 2 },
  { kind: "processes", workers: 2 },
);

/** Times in ms to the nanosecond's thousandth: the microsecond grid and fractions below it. */
const times = fc
  .array(fc.integer({ min: 0, max: 80_000_000 }), { minLength: 1, maxLength: 60 })
  .map((ns) => [...ns].sort((a, b) => a - b).map((n) => n / 1e6));

function scenarioWith(executor: Executor, replay: number[], seed: number): ScenarioInput {
  return {
    seed,
    machine: { cores: 2 },
    executor,
    workload: {
      arrivals: { kind: "replay", times: replay },
      classes: [
        { name: "a", weight: 3, steps: [{ cpu: { dist: "exponential", mean: "300us" } }, { io: "1ms" }] },
        { name: "b", steps: [{ cpu: "2ms", gil: "release" }] },
      ],
    },
  };
}

function problems(input: unknown): string[] {
  try {
    parseScenario(input);
  } catch (error) {
    if (error instanceof ScenarioError) return [...error.problems];
    throw error;
  }
  return [];
}

describe("replayed arrivals", () => {
  it("a replay of k times gives exactly those k arrival instants in the trace, on every executor", () => {
    fc.assert(
      fc.property(executors, times, fc.integer({ min: 0, max: 1000 }), (executor, replay, seed) => {
        const scenario = parseScenario(scenarioWith(executor, replay, seed));
        const result = simulate(scenario, { trace: true });
        const tasks = [...(result.trace?.tasks ?? [])].sort((a, b) => a.id - b.id);
        const expected = replay.map((ms) => Math.round(ms * 1e6));
        expect(tasks.map((t) => t.arrival)).toEqual(expected);
        expect(result.metrics.tasks.completed).toBe(replay.length);
        // The real harness is handed the same instants.
        expect(planTasks(scenario).map((t) => t.arrival)).toEqual(expected);
      }),
      { numRuns: 150, seed: 15 },
    );
  });

  it("draws the same task classes and durations as a Poisson run of the same seed (only the instants differ)", () => {
    const poisson = parseScenario({
      ...scenarioWith({ kind: "threads", workers: 2 }, [0], 7),
      workload: {
        ...scenarioWith({ kind: "threads", workers: 2 }, [0], 7).workload,
        arrivals: { kind: "poisson", rate: 100, count: 30 },
      },
    });
    const planned = planTasks(poisson);
    const replay = parseScenario(
      scenarioWith(
        { kind: "threads", workers: 2 },
        planned.map((t) => (t.arrival as number) / 1e6),
        7,
      ),
    );
    const again = planTasks(replay);
    expect(again.map((t) => [t.class, t.steps])).toEqual(planned.map((t) => [t.class, t.steps]));
    // The Poisson instants are whole ns; as ms they come back to the same ns.
    expect(again.map((t) => t.arrival)).toEqual(planned.map((t) => t.arrival));
  });

  it("counts the replayed times as the run's tasks, and stops at run.until", () => {
    const s = scenarioWith({ kind: "threads", workers: 2 }, [0, 1, 2, 50, 120], 1);
    expect(parseScenario(s).workload.arrivals.count).toBe(5);
    const until = simulate(parseScenario({ ...s, run: { until: "60ms" } }), { trace: true });
    expect(until.trace?.tasks.map((t) => t.arrival)).toEqual([0, 1e6, 2e6, 50e6]);
  });

  const bad = (replay: unknown) =>
    problems({
      executor: { kind: "sync" },
      workload: { arrivals: { kind: "replay", times: replay }, classes: [{ steps: [{ cpu: "1ms" }] }] },
    });

  it.each([
    [
      "a negative time",
      [0, -1, 2],
      "workload.arrivals.times[1]: -1 is invalid (expected an arrival time in milliseconds from the start: a finite number of at least 0)",
    ],
    [
      "times out of order",
      [0, 5, 3, 1],
      "workload.arrivals.times[2]: 3 is invalid (expected times in order, not before times[1] (5 ms); sort them)",
    ],
    [
      "a string",
      [0, "2ms"],
      'workload.arrivals.times[1]: "2ms" is invalid (expected an arrival time in milliseconds from the start: a finite number of at least 0)',
    ],
    [
      "a time past the clock",
      [0, 2e11],
      "workload.arrivals.times[1]: 200000000000 is invalid (expected an arrival time in milliseconds from the start: a finite number of at least 0, at most 104 days)",
    ],
    ["an empty list", [], "workload.arrivals.times: expected at least one arrival time"],
    [
      "not a list",
      "0,1,2",
      'workload.arrivals.times: "0,1,2" is invalid (expected a list of arrival times in milliseconds from the start)',
    ],
  ])("refuses %s with one line naming it", (_what, replay, line) => {
    expect(bad(replay)).toEqual([line]);
  });

  it.each([
    [Number.POSITIVE_INFINITY, "Infinity"],
    [Number.NaN, "NaN"],
  ])("refuses a non-finite time (%s, from the API) with one line", (value, shown) => {
    expect(bad([0, value])).toEqual([
      `workload.arrivals.times[1]: ${shown} is invalid (expected an arrival time in milliseconds from the start: a finite number of at least 0)`,
    ]);
  });

  it("reports only the first problem of each kind in a long list", () => {
    const replay = Array.from({ length: 1000 }, (_, i) => 1000 - i);
    expect(bad(replay)).toEqual([
      "workload.arrivals.times[1]: 999 is invalid (expected times in order, not before times[0] (1000 ms); sort them)",
    ]);
  });

  it("refuses more than the most times a replay may list", () => {
    const replay = Array.from({ length: MAX_REPLAY_TIMES + 1 }, (_, i) => i);
    expect(bad(replay)).toEqual(["workload.arrivals.times: 1,000,001 arrival times (expected at most 1,000,000)"]);
  });

  it("refuses a count beside the times (the times are the count)", () => {
    expect(
      problems({
        executor: { kind: "sync" },
        workload: { arrivals: { kind: "replay", times: [0], count: 1 }, classes: [{ steps: [{ cpu: "1ms" }] }] },
      }),
    ).toEqual(["workload.arrivals.count: unknown option"]);
  });
});
