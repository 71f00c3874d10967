import type { Nanos } from "../engine/time.js";
import { type PlannedTask, planTasks, type UnrolledStep } from "../model/plan.js";
import type { PoolConfig, Scenario } from "../scenario/scenario.js";
import type { Arrivals, Step } from "../scenario/schema.js";
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
  const unsupported = unsupportedInReal(scenario);
  if (unsupported) throw new RealSetupError(unsupported);
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

const SIMULATED_ONLY = ["spawn", "threads", "socket"] as const;

/**
 * What the harness cannot run yet: the spawn, threads and socket steps and workload.chunksize
 * are simulated only (the mechanism suite measures them with experiments of its own). A one-line
 * reason, or null.
 */
export function unsupportedInReal(scenario: Scenario): string | null {
  if (scenario.workload.chunksize !== undefined) {
    return "workload.chunksize: the real-execution mode does not run chunked maps yet (simulate only)";
  }
  const find = (steps: readonly Step[], path: string): string | null => {
    for (const [i, step] of steps.entries()) {
      const at = `${path}[${i}]`;
      if ((SIMULATED_ONLY as readonly string[]).includes(step.kind)) {
        return `${at}.${step.kind}: the real-execution mode does not run ${step.kind} steps yet (simulate only)`;
      }
      if (step.kind === "repeat" || step.kind === "offload") {
        const inner = find(step.steps, `${at}.${step.kind === "repeat" ? "steps" : "offload"}`);
        if (inner) return inner;
      }
    }
    return null;
  };
  for (const [i, c] of scenario.workload.classes.entries()) {
    const found = find(c.steps, `workload.classes[${i}].steps`);
    if (found) return found;
  }
  for (const [i, b] of scenario.background.entries()) {
    const found = find(b.steps, `background[${i}].steps`);
    if (found) return found;
  }
  return null;
}
