import { simulate } from "../../src/model/simulate.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import type { ScenarioInput } from "../../src/scenario/schema.js";

/** Parses and simulates a scenario written inline. */
export function run(input: ScenarioInput, options: { trace?: boolean; seed?: number } = {}) {
  return simulate(parseScenario(input), options);
}

/** `count` identical CPU-bound tasks on a pool of `workers` threads, all at time 0. */
export function cpuBatch(
  count: number,
  cpu: string,
  extra: {
    cores?: number;
    python?: ScenarioInput["runtime"] extends infer R ? (R extends { python?: infer P } ? P : never) : never;
    gil?: "python" | "release" | "hold";
    switchInterval?: string;
  } = {},
): ScenarioInput {
  return {
    machine: { cores: extra.cores ?? 4 },
    runtime: {
      python: extra.python ?? "3.12",
      ...(extra.switchInterval ? { switchInterval: extra.switchInterval } : {}),
    },
    executor: { kind: "threads", workers: count },
    workload: { arrivals: { kind: "batch", count }, classes: [{ steps: [{ cpu, gil: extra.gil ?? "python" }] }] },
  };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}
