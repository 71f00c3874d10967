import type { Nanos } from "../engine/time.js";
import { type PlannedTask, planTasks, type UnrolledStep } from "../model/plan.js";
import type { PoolConfig, Scenario } from "../scenario/scenario.js";
import type { Arrivals } from "../scenario/schema.js";
import { type BackgroundPlan, planBackground } from "./background.js";
import { RealSetupError } from "./errors.js";
import type { IoMode, NormalizedRealOptions } from "./options.js";
import type { CalibrationRates } from "./records.js";

/** The harness's executor: the scenario's, with pool sizes resolved; one event loop. */
export type JobExecutor = { kind: "sync" } | { kind: "asyncio"; offload: PoolConfig | null } | PoolConfig;

/**
 * What the harness runs (format 1), written as one JSON line on its stdin: the scenario's
 * executor and runtime essentials, the concrete planned tasks and the calibration settings.
 */
export interface HarnessJob {
  format: 1;
  scenario: string;
  seed: number;
  executor: JobExecutor;
  arrivals: { kind: Arrivals["kind"]; clients: number | null };
  /** At most this many tasks in progress (asyncio.Semaphore; a BoundedSemaphore around submit). */
  concurrency: number | null;
  /** CPUs to use (the harness pins itself to this many when the machine has more). */
  cores: number;
  /** sys.setswitchinterval, in ns. */
  switchInterval: Nanos;
  /** Stop at this time after t0 even if tasks remain; null: when all tasks are done. */
  until: Nanos | null;
  io: IoMode;
  /** Write progress lines during the run. */
  progress: boolean;
  /** Stdin stays open; when it closes the harness kills its process group (the runner died). */
  watchStdin: boolean;
  calibration: { trials: number; probeNs: Nanos; releaseChunk: number; fixed: CalibrationRates | null };
  /** planTasks(scenario, seed), unchanged. */
  tasks: PlannedTask<UnrolledStep>[];
  /** planBackground(scenario, seed). */
  background: BackgroundPlan[];
}

/** Builds the job for a scenario; throws a RealSetupError for what the real mode cannot run. */
export function buildJob(
  scenario: Scenario,
  options: Pick<NormalizedRealOptions, "seed" | "io" | "calibration" | "onProgress">,
): HarnessJob {
  const seed = options.seed ?? scenario.seed;
  const e = scenario.executor;
  let executor: JobExecutor;
  if (e.kind === "asyncio") {
    if (e.loops !== 1) {
      throw new RealSetupError(
        `invalid executor.loops: ${e.loops} (the real-execution mode runs one event loop; expected 1)`,
      );
    }
    executor = { kind: "asyncio", offload: e.offload };
  } else {
    executor = e;
  }
  const arrivals = scenario.workload.arrivals;
  return {
    format: 1,
    scenario: scenario.name,
    seed,
    executor,
    arrivals: { kind: arrivals.kind, clients: arrivals.kind === "closed" ? arrivals.clients : null },
    concurrency: scenario.workload.concurrency,
    cores: scenario.machine.cores,
    switchInterval: scenario.runtime.switchInterval,
    until: scenario.run.until,
    io: options.io,
    progress: options.onProgress !== undefined,
    watchStdin: true,
    calibration: { ...options.calibration },
    tasks: planTasks(scenario, seed),
    background: planBackground(scenario, seed),
  };
}
