import type { ScenarioInput } from "../src/scenario/schema.js";

/** The model workloads the benchmarks time, each an open Poisson stream of `count` tasks. */
export const WORKLOADS: Record<string, (count: number) => ScenarioInput> = {
  "io-asyncio": (count) => ({
    machine: { cores: 4 },
    executor: { kind: "asyncio" },
    workload: {
      arrivals: { kind: "poisson", rate: "2000/s", count },
      classes: [{ steps: [{ cpu: "50us" }, { io: { dist: "exponential", mean: "10ms" } }] }],
    },
    run: { trace: false },
  }),
  "cpu-threads-gil": (count) => ({
    machine: { cores: 4 },
    runtime: { switchInterval: "1ms" },
    executor: { kind: "threads", workers: 8 },
    workload: {
      arrivals: { kind: "poisson", rate: "180/s", count },
      classes: [{ steps: [{ cpu: { dist: "exponential", mean: "5ms" } }] }],
    },
    run: { trace: false },
  }),
  mixed: (count) => ({
    machine: { cores: 4 },
    executor: { kind: "asyncio", offload: { kind: "threads", workers: 4 } },
    workload: {
      arrivals: { kind: "poisson", rate: "800/s", count },
      concurrency: 200,
      classes: [
        {
          steps: [
            { cpu: "200us" },
            { io: "5ms" },
            { offload: [{ cpu: { dist: "exponential", mean: "1ms" }, gil: "release" }] },
          ],
        },
      ],
    },
    run: { trace: false },
  }),
  "process-pool": (count) => ({
    machine: { cores: 4 },
    executor: { kind: "processes", workers: 4, startMethod: "fork" },
    workload: {
      arrivals: { kind: "poisson", rate: "1000/s", count },
      classes: [{ payload: "4KiB", steps: [{ cpu: { dist: "exponential", mean: "2ms" } }] }],
    },
    run: { trace: false },
  }),
};
