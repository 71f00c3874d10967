import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir as makeTempDir } from "../temp.js";

/** A fresh temporary folder, removed when the test file ends. */
export function tempDir(): string {
  return makeTempDir("gilsim-sweep-");
}

/** A scenario small enough to run hundreds of times in a test: 30 tasks on a thread pool. */
export function tinyScenario(): Record<string, unknown> {
  return {
    name: "tiny",
    seed: 3,
    machine: { cores: 2 },
    executor: { kind: "threads", workers: 2 },
    workload: {
      arrivals: { kind: "poisson", rate: "200/s", count: 30 },
      classes: [{ name: "a", steps: [{ cpu: { dist: "exponential", mean: "2ms" } }, { io: "1ms" }] }],
    },
    run: { replications: 2, trace: false },
  };
}

/**
 * An M/M/c-like scenario: Poisson arrivals at 300/s, one exponential 10 ms CPU step, a process
 * pool on 8 cores (so up to 8 workers are 8 servers). No cold start: a worker idle between tasks
 * would otherwise add its extra CPU to the next service time, which M/M/c does not have.
 */
export function mmcScenario(count = 2000): Record<string, unknown> {
  return {
    name: "mmc",
    seed: 11,
    machine: { cores: 8, coldStart: { max: "0us", tau: "1ms", slowdown: 1 } },
    executor: { kind: "processes", workers: 4 },
    workload: {
      arrivals: { kind: "poisson", rate: "300/s", count },
      classes: [{ name: "job", steps: [{ cpu: { dist: "exponential", mean: "10ms" } }] }],
    },
    run: { replications: 3, trace: false },
  };
}

/** Writes a scenario object to `name` in a fresh temporary folder; returns the file path. */
export function scenarioFile(scenario: unknown, name = "scenario.json"): string {
  const file = join(tempDir(), name);
  writeFileSync(file, JSON.stringify(scenario));
  return file;
}
