/**
 * The simulator's own speed on four workloads, side by side with the hand-written limit loop
 * (bench/mmc.ts's typed-array M/M/c loop) measured in the same run: events per second of each,
 * and the model's share of the limit.
 */
import { simulate } from "../src/model/simulate.js";
import { parseScenario } from "../src/scenario/scenario.js";
import { median, timeIt } from "./measure.js";
import { handMmc, MMC_DEFAULTS } from "./mmc.js";
import type { Bench, BenchLine } from "./types.js";
import { WORKLOADS } from "./workloads.js";

const TASKS = 100_000;

export const modelBench: Bench = {
  name: "model",
  description: `the runtime model on ${TASKS.toLocaleString("en-US")}-task workloads (trace off) against the hand-written limit loop`,
  async run(progress) {
    const lines: BenchLine[] = [];
    progress("hand-written loop");
    const hand = { ...MMC_DEFAULTS, customers: 500_000 };
    handMmc(hand);
    let handEvents = 0;
    const handSeconds = median(
      [0, 1, 2].map(() =>
        timeIt(() => {
          handEvents = handMmc(hand).events;
        }),
      ),
    );
    const limit = handEvents / handSeconds;
    lines.push({ metric: "hand-written limit loop", value: limit, unit: "events/s" });
    for (const [name, make] of Object.entries(WORKLOADS)) {
      progress(name);
      const scenario = parseScenario(make(TASKS));
      let events = 0;
      simulate(parseScenario(make(10_000)));
      const seconds = median(
        [0, 1].map(() =>
          timeIt(() => {
            events = simulate(scenario).metrics.events;
          }),
        ),
      );
      lines.push({ metric: `${name} tasks/s`, value: TASKS / seconds, unit: "tasks/s" });
      lines.push({ metric: `${name} events/s`, value: events / seconds, unit: "events/s" });
      lines.push({ metric: `${name} share of the limit`, value: events / seconds / limit, unit: "x" });
    }
    return lines;
  },
};
