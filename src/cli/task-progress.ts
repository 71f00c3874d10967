import { type RunResult, type SimulateOptions, simulate } from "../model/simulate.js";
import type { Scenario } from "../scenario/scenario.js";
import { createProgress } from "../sweep/progress.js";
import type { CliIO } from "./io.js";

/**
 * Runs `work` with a bar of finished tasks (the scenario's task count times `runs`) on a terminal,
 * silent elsewhere: a run of millions of tasks, or many replications, takes a while. `work` reports
 * run k (from 0) and the tasks it has finished.
 */
export function withTaskProgress<T>(
  io: CliIO,
  label: string,
  scenario: Scenario,
  runs: number,
  work: (report: (run: number, done: number) => void) => T,
): T {
  const tasks = scenario.workload.arrivals.count;
  const bar = createProgress(io, label, tasks * runs, 0, "tasks");
  try {
    return work((run, done) => bar.update(run * tasks + done));
  } finally {
    bar.stop();
  }
}

/** One run of `scenario` with a bar of its finished tasks on a terminal (see withTaskProgress). */
export function simulateWithProgress(
  io: CliIO,
  label: string,
  scenario: Scenario,
  options: Omit<SimulateOptions, "progress">,
): RunResult {
  return withTaskProgress(io, label, scenario, 1, (report) =>
    simulate(scenario, { ...options, progress: (done) => report(0, done) }),
  );
}
