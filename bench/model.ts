/**
 * The simulator's own speed on four workloads, side by side with the lean reference loop
 * (bench/lean-mmc.ts) measured in the same run: events per second of each, and the model's share
 * of the lean loop's event rate (target: at least 0.25). Then how time grows: each workload at
 * 25,000 and 100,000 tasks (time per task should not grow with the count), and asyncio with
 * 100,000 tasks in a batch at concurrency 10, 1,000 and 100,000 (time per event should not grow
 * with the number of tasks waiting on the semaphore).
 */
import { simulate } from "../src/model/simulate.js";
import { parseScenario } from "../src/scenario/scenario.js";
import type { ScenarioInput } from "../src/scenario/schema.js";
import { leanMmc } from "./lean-mmc.js";
import { median, timeIt } from "./measure.js";
import { MMC_DEFAULTS } from "./mmc.js";
import type { Bench, BenchLine } from "./types.js";
import { WORKLOADS } from "./workloads.js";

const TASKS = 100_000;
const SMALL = 25_000;

/** Median seconds and the events of `rounds` runs of a scenario. */
function timeScenario(input: ScenarioInput, rounds: number): { seconds: number; events: number } {
  const scenario = parseScenario(input);
  let events = 0;
  const seconds = median(
    Array.from({ length: rounds }, () =>
      timeIt(() => {
        events = simulate(scenario).metrics.events;
      }),
    ),
  );
  return { seconds, events };
}

/** `count` asyncio tasks of 50 us CPU and a 10 ms wait, all arriving at once, at this concurrency. */
function batchAsyncio(concurrency: number, count = TASKS): ScenarioInput {
  return {
    machine: { cores: 4 },
    executor: { kind: "asyncio" },
    workload: {
      arrivals: { kind: "batch", count },
      concurrency,
      classes: [{ steps: [{ cpu: "50us" }, { io: "10ms" }] }],
    },
    run: { trace: false },
  };
}

export const modelBench: Bench = {
  name: "model",
  description: `the runtime model on ${TASKS.toLocaleString("en-US")}-task workloads (trace off) against the lean reference loop, and how its time grows`,
  async run(progress) {
    const lines: BenchLine[] = [];
    progress("lean reference loop");
    const lean = { ...MMC_DEFAULTS, customers: 500_000 };
    leanMmc(lean);
    let leanEvents = 0;
    const leanSeconds = median(
      [0, 1, 2].map(() =>
        timeIt(() => {
          leanEvents = leanMmc(lean).events;
        }),
      ),
    );
    const limit = leanEvents / leanSeconds;
    lines.push({ metric: "lean reference loop", value: limit, unit: "events/s" });
    for (const [name, make] of Object.entries(WORKLOADS)) {
      progress(name);
      simulate(parseScenario(make(10_000)));
      const big = timeScenario(make(TASKS), 2);
      lines.push({ metric: `${name} tasks/s`, value: TASKS / big.seconds, unit: "tasks/s" });
      lines.push({ metric: `${name} events/s`, value: big.events / big.seconds, unit: "events/s" });
      lines.push({
        metric: `${name} share of the lean loop`,
        value: big.events / big.seconds / limit,
        unit: "x",
        atLeast: 0.25,
      });
      progress(`${name} at ${SMALL.toLocaleString("en-US")} tasks`);
      const small = timeScenario(make(SMALL), 3);
      lines.push({
        metric: `${name} time per task, 100k / 25k tasks`,
        value: big.seconds / TASKS / (small.seconds / SMALL),
        unit: "x",
        atMost: 1.5,
      });
    }
    const perEvent: number[] = [];
    for (const concurrency of [10, 1_000, 100_000]) {
      progress(`asyncio batch at concurrency ${concurrency}`);
      simulate(parseScenario(batchAsyncio(concurrency, 10_000)));
      const r = timeScenario(batchAsyncio(concurrency), 2);
      perEvent.push(r.seconds / r.events);
      lines.push({
        metric: `asyncio batch, concurrency ${concurrency.toLocaleString("en-US")}`,
        value: TASKS / r.seconds,
        unit: "tasks/s",
      });
    }
    lines.push({
      metric: "asyncio batch: time per event, slowest / fastest concurrency",
      value: Math.max(...perEvent) / Math.min(...perEvent),
      unit: "x",
      atMost: 1.5,
    });
    return lines;
  },
};
