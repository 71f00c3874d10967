import { type ReplicateOptions, type Replication, replicateAsync } from "../metrics/replicate.js";
import { type RunResult, type SimulateAsyncOptions, simulateAsync } from "../model/simulate.js";
import { ScenarioError } from "../scenario/errors.js";
import type { Scenario } from "../scenario/scenario.js";
import { createProgress } from "../sweep/progress.js";
import type { CliIO } from "./io.js";

/**
 * Runs `work` with a bar of finished tasks (the scenario's task count times `runs`) on a terminal,
 * silent elsewhere: a run of millions of tasks, or many replications, takes a while. `work` reports
 * run k (from 0) and the tasks it has finished. A problem found in the scenario while it runs is
 * reported against `source` (the file or preset the user named), not the scenario's own name.
 */
export async function withTaskProgress<T>(
  io: CliIO,
  label: string,
  scenario: Scenario,
  runs: number,
  source: string,
  work: (report: (run: number, done: number) => void) => Promise<T>,
): Promise<T> {
  const tasks = scenario.workload.arrivals.count;
  const bar = createProgress(io, label, tasks * runs, 0, "tasks");
  try {
    return await work((run, done) => bar.update(run * tasks + done));
  } catch (error) {
    if (error instanceof ScenarioError && error.source === scenario.name) {
      throw new ScenarioError(error.problems, source);
    }
    throw error;
  } finally {
    bar.stop();
  }
}

/** One run of `scenario` with a bar of its finished tasks on a terminal (see withTaskProgress). */
export function simulateWithProgress(
  io: CliIO,
  label: string,
  scenario: Scenario,
  source: string,
  options: Omit<SimulateAsyncOptions, "progress">,
): Promise<RunResult> {
  return withTaskProgress(io, label, scenario, 1, source, (report) =>
    simulateAsync(scenario, { ...options, progress: (done) => report(0, done) }),
  );
}

/** Replications of `scenario` with a bar of their finished tasks on a terminal (see withTaskProgress). */
export function replicateWithProgress(
  io: CliIO,
  label: string,
  scenario: Scenario,
  source: string,
  options: Omit<ReplicateOptions, "progress"> & { replications: number },
): Promise<Replication> {
  return withTaskProgress(io, label, scenario, options.replications, source, (report) =>
    replicateAsync(scenario, { ...options, progress: report }),
  );
}
