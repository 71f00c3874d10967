import type { Nanos } from "../engine/time.js";
import type { PlannedTask, UnrolledStep } from "../model/plan.js";
import type { Scenario } from "../scenario/scenario.js";
import type { Trace } from "../trace/types.js";
import { HarnessError } from "./errors.js";
import { buildJob, type HarnessJob } from "./job.js";
import { normalizeRealOptions, type RealOptions } from "./options.js";
import { runHarness } from "./process.js";
import { findPython, PROBE_TIMEOUT_MS, type PythonInfo } from "./python.js";
import {
  type CalibrationRates,
  type CalibrationRecord,
  collectRecords,
  type HarnessOutput,
  type HarnessRecord,
} from "./records.js";
import { recordsToTrace } from "./to-trace.js";

/** Work rates measured at the start of the run. */
export interface Calibration extends CalibrationRates {
  /** (max - min) / median of the trials, per rate. */
  spread: CalibrationRates;
  /** The same rates timed in wall time: lower than these when other work preempted the trials. */
  wall: CalibrationRates | null;
  /** The rates the run used to size its work: these, or the fixed ones passed in the options. */
  used: CalibrationRates;
  trials: number;
  probeNs: Nanos;
  /** Bytes per hashlib update for gil "release" steps. */
  releaseChunk: number;
  /** What the trials were timed with: the thread's CPU time (so a preempted trial does not count as slow), or wall time on Windows. */
  clock: "thread" | "wall";
}

/** One run of a scenario in real CPython. */
export interface RealResult {
  /** What happened, in the simulator's Trace shape (see recordsToTrace for what it can and cannot show). */
  trace: Trace;
  calibration: Calibration;
  /** The rates measured again after the run; null when the run was cut at run.until (work still running). */
  calibrationEnd: CalibrationRates | null;
  /** Percent change of each rate from the start to the end calibration; null without an end calibration. */
  drift: CalibrationRates | null;
  /** "3.11.7". */
  pythonVersion: string;
  python: PythonInfo;
  /** Whether the GIL was on during the run (off only on a free-threaded build with PYTHON_GIL=0). */
  gilEnabled: boolean;
  /** CPUs the run used (the scenario's machine.cores, at most the machine's). */
  cores: number;
  availableCores: number;
  /** Wall-clock time of the whole harness process (start-up and calibration included), in ns. */
  wallNs: Nanos;
  /** The tasks it ran: planTasks(scenario, seed). */
  tasks: PlannedTask<UnrolledStep>[];
  completed: number;
  /** True when run.until stopped the run before every task completed. */
  truncated: boolean;
  /** Ways this run differs from what the scenario describes (another Python, fewer cores, drift). */
  warnings: string[];
  /** Every record the harness wrote (work units and thread CPU time per step, dispatch times), for calibration. */
  raw: HarnessOutput;
}

/** Drift beyond this many percent gets a warning. */
export const DRIFT_WARNING = 10;

/**
 * Runs a scenario in real CPython: the same planned tasks (planTasks with the same seed) on the
 * executor the scenario describes, timed with perf_counter_ns, turned into a Trace.
 * Throws RealSetupError when it cannot start (no Python 3.9+, an unsupported scenario, a bad option)
 * and HarnessError when the run fails, times out or is interrupted.
 */
export async function runReal(scenario: Scenario, options: RealOptions = {}): Promise<RealResult> {
  const o = normalizeRealOptions(options);
  const job = buildJob(scenario, o);
  const total = job.tasks.length;
  o.onProgress?.({ phase: "starting", completed: 0, total });
  const python = await findPython(o.python, Math.min(PROBE_TIMEOUT_MS, o.timeoutMs));
  const env = { ...o.env };
  if (python.freeThreaded && env.PYTHON_GIL === undefined) env.PYTHON_GIL = scenario.runtime.gil ? "1" : "0";
  const onRecord = o.onProgress
    ? (r: HarnessRecord): void => {
        if (r.type === "hello") o.onProgress?.({ phase: "calibrating", completed: 0, total });
        else if (r.type === "calibration" && r.phase === "start")
          o.onProgress?.({ phase: "running", completed: 0, total });
        else if (r.type === "progress") o.onProgress?.({ phase: "running", completed: r.completed, total });
        else if (r.type === "done") o.onProgress?.({ phase: "collecting", completed: r.completed, total });
      }
    : undefined;
  const run = await runHarness(python.command, job, {
    timeoutMs: o.timeoutMs,
    signal: o.signal,
    handleSignals: o.handleSignals,
    env,
    onRecord,
  });
  let out: HarnessOutput;
  try {
    out = collectRecords(run.records);
  } catch (e) {
    throw new HarnessError((e as Error).message, "protocol", run.pid, run.stderr);
  }
  const calibration = toCalibration(out.calibration);
  const result: RealResult = {
    trace: recordsToTrace(out, { name: scenario.name, seed: job.seed, processPrefix: processPrefix(job) }),
    calibration,
    calibrationEnd: out.calibrationEnd ? rates(out.calibrationEnd) : null,
    drift: out.done.drift,
    pythonVersion: python.version,
    python,
    gilEnabled: out.hello.gilEnabled,
    cores: out.hello.cores,
    availableCores: out.hello.availableCores,
    wallNs: run.wallNs,
    tasks: job.tasks,
    completed: out.done.completed,
    truncated: out.done.truncated,
    warnings: [],
    raw: out,
  };
  result.warnings = warningsFor(scenario, result);
  return result;
}

/** How the simulator names a worker process of this executor. */
function processPrefix(job: HarnessJob): string {
  return job.executor.kind === "asyncio" ? "asyncio" : "ProcessPoolExecutor-0";
}

function rates(r: CalibrationRates): CalibrationRates {
  return {
    pythonItersPerUs: r.pythonItersPerUs,
    releaseBytesPerUs: r.releaseBytesPerUs,
    holdUnitsPerUs: r.holdUnitsPerUs,
  };
}

function toCalibration(r: CalibrationRecord): Calibration {
  return {
    ...rates(r),
    spread: rates(r.spread),
    wall: r.wall ? rates(r.wall) : null,
    used: rates(r.used ?? r),
    trials: r.trials ?? 0,
    probeNs: r.probeNs ?? 0,
    releaseChunk: r.releaseChunk ?? 0,
    clock: r.clock ?? "wall",
  };
}

/** What a reader comparing this run with a simulation should know. */
export function warningsFor(scenario: Scenario, r: RealResult): string[] {
  const w: string[] = [];
  const wanted = scenario.runtime.python;
  const ran = `${r.python.major}.${r.python.minor}${r.python.freeThreaded ? "t" : ""}`;
  if (ran !== wanted)
    w.push(
      `the scenario models Python ${wanted}; this run used ${r.python.version}${r.python.freeThreaded ? " (free-threaded)" : ""}`,
    );
  if (r.python.implementation !== "cpython") w.push(`this run used ${r.python.implementation}, not CPython`);
  if (r.gilEnabled !== scenario.runtime.gil)
    w.push(
      `the scenario has the GIL ${scenario.runtime.gil ? "on" : "off"}; it was ${r.gilEnabled ? "on" : "off"} in this run`,
    );
  if (scenario.machine.cores > r.cores)
    w.push(`the scenario has ${scenario.machine.cores} cores; this machine gave ${r.cores}`);
  if (r.drift) {
    const names: [keyof CalibrationRates, string][] = [
      ["pythonItersPerUs", "pure-Python loop"],
      ["releaseBytesPerUs", "hashing"],
      ["holdUnitsPerUs", "GIL-holding C call"],
    ];
    for (const [key, name] of names) {
      const d = r.drift[key];
      if (Math.abs(d) > DRIFT_WARNING)
        w.push(`the ${name} rate drifted ${d > 0 ? "+" : ""}${d.toFixed(1)}% during the run (a busy machine?)`);
    }
  }
  if (r.truncated) w.push(`run.until stopped the run with ${r.completed} of ${r.tasks.length} tasks completed`);
  return w;
}
