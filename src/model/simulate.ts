import { ClockRangeError, Simulation } from "../engine/simulation.js";
import { formatDuration, type Nanos } from "../engine/time.js";
import { collectMetrics } from "../metrics/collect.js";
import type { LatencySketch } from "../metrics/sketch.js";
import type { Metrics } from "../metrics/types.js";
import { ScenarioError } from "../scenario/errors.js";
import type { Scenario } from "../scenario/scenario.js";
import type { TraceSink, TraceSinkFactory } from "../trace/sink.js";
import type { Trace } from "../trace/types.js";
import { backgroundProgram } from "./background.js";
import { checkBudget } from "./budget.js";
import { buildExecutor } from "./executor.js";
import { TaskPlanner } from "./plan.js";
import { Recorder } from "./recorder.js";
import { Runtime } from "./runtime.js";
import { World } from "./world.js";

export interface SimulateOptions {
  /** Seed of this run. Default: the scenario's seed. */
  seed?: number;
  /** Record the trace. Default: the scenario's run.trace. Metrics are the same either way. */
  trace?: boolean;
  /**
   * Stream the trace into the sink this opens as the run goes, instead of keeping it in memory;
   * the result's trace is then null. Implies recording. For a file (JSON lines), pass
   * `traceFile(path)` from src/trace/stream.ts (Node only; the model itself touches no files).
   */
  traceSink?: TraceSinkFactory;
  /**
   * Told the number of finished tasks every PROGRESS_EVERY (4096) tasks while the run goes and
   * once at its end, for a progress bar; it must not touch the run.
   */
  progress?: (completed: number) => void;
  /**
   * Stop after this many events of the engine, with the tasks finished so far (the result's
   * `stoppedBy` says so). Default: no limit; a run estimated at more than 1e10 steps is then refused.
   */
  maxEvents?: number | null;
  /**
   * Refuse a run estimated to need more memory than this many bytes (see src/model/budget.ts).
   * Default: three quarters of the JavaScript heap this process may grow to.
   */
  memoryLimit?: number;
}

/** Options of simulateAsync: simulate's, and a signal that stops the run between slices of work. */
export interface SimulateAsyncOptions extends SimulateOptions {
  signal?: AbortSignal;
}

/** CPU bookkeeping of a run, to check that the CPU asked for is the CPU delivered. */
export interface CpuAccounting {
  /** CPU the tasks and background threads asked for (after the free-threading slowdown), ns. */
  demand: Nanos;
  /** CPU the model added: loop steps and iterations, hand-offs, C-call edges, submits, pickling, start-ups. */
  overhead: Nanos;
  /** CPU the threads got on cores. */
  delivered: Nanos;
}

export interface RunResult {
  scenario: Scenario;
  metrics: Metrics;
  /** Null when recording was off, or when the trace was streamed to a sink (traceSink). */
  trace: Trace | null;
  /** Whether the run stopped (at run.until, or at maxEvents) with work left. */
  truncated: boolean;
  /** What stopped the run before its work was done: run.until, the maxEvents limit, or nothing (null). */
  stoppedBy: "run.until" | "max-events" | null;
  cpu: CpuAccounting;
  /** The measured tasks' latencies, metrics.latency's source: sketches of several runs add up to their pooled quantiles. */
  latency: LatencySketch;
}

/** Runs one simulation of the scenario. Same scenario and seed, same result, to the byte. */
export function simulate(scenario: Scenario, options: SimulateOptions = {}): RunResult {
  const run = startRun(scenario, options);
  try {
    const stopped = run.sim.run(run.until, run.maxEvents);
    return run.finish(stopped);
  } catch (error) {
    throw run.fail(error);
  }
}

/** Lets the event loop turn (timers, signals, I/O), in Node and in a browser alike. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** How long a slice of simulateAsync runs before it lets the event loop turn (signals, timers), ms. */
const SLICE_MS = 50;
const SLICE_EVENTS = 20_000;

/**
 * simulate, in slices of about 50 ms between which the event loop turns: a signal handler can
 * then run (and remove a temporary file), a progress bar can redraw, and `signal` can stop the
 * run. The result is the same, to the byte, as simulate's.
 */
export async function simulateAsync(scenario: Scenario, options: SimulateAsyncOptions = {}): Promise<RunResult> {
  const run = startRun(scenario, options);
  try {
    let left = run.maxEvents;
    let slice = SLICE_EVENTS;
    for (;;) {
      const t0 = performance.now();
      const before = run.sim.workDone;
      const more = run.sim.run(run.until, Math.min(slice, left));
      left -= run.sim.workDone - before;
      if (!more || left <= 0) return run.finish(more);
      // Slices of about SLICE_MS whatever the speed of the machine.
      const ms = performance.now() - t0;
      slice = Math.max(1000, Math.min(1_000_000, Math.round((slice * SLICE_MS) / Math.max(ms, 1))));
      await nextTurn();
      options.signal?.throwIfAborted();
    }
  } catch (error) {
    throw run.fail(error);
  }
}

/** The output of a run that went out of range, in the scenario's words rather than the engine's. */
function explain(scenario: Scenario, error: unknown): unknown {
  if (error instanceof ClockRangeError) {
    const at = Number.isFinite(error.time) ? ` (an event at ${formatDuration(error.time)})` : "";
    return new ScenarioError(
      [
        `the run passed 104 days of simulated time, the most the clock holds exactly (2^53 ns)${at}: a duration drawn from a long-tailed distribution, a long wait or a late arrival pushed it there (set run.until to stop earlier)`,
      ],
      scenario.name,
    );
  }
  return error;
}

/** Whether every number in `value` is finite: the common case, checked without building paths. */
function allFinite(value: unknown): boolean {
  if (typeof value === "number") return Number.isFinite(value);
  if (value === null || typeof value !== "object") return true;
  for (const child of Object.values(value)) if (!allFinite(child)) return false;
  return true;
}

/** The path of the first number in `value` that is not finite, walking as allFinite does. */
function pathOfNonFinite(value: unknown, path: string): { path: string; value: number } | null {
  if (typeof value === "number") return Number.isFinite(value) ? null : { path, value };
  if (value === null || typeof value !== "object") return null;
  for (const [key, child] of Object.entries(value)) {
    const found = pathOfNonFinite(
      child,
      path === "" ? key : Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`,
    );
    if (found) return found;
  }
  return null;
}

/** The first number in `value` that is not finite, with its path ("latency.p99"); null when all are. */
export function firstNonFinite(value: unknown): { path: string; value: number } | null {
  return allFinite(value) ? null : pathOfNonFinite(value, "");
}

interface StartedRun {
  sim: Simulation;
  until: Nanos;
  maxEvents: number;
  finish: (stoppedAtLimit: boolean) => RunResult;
  fail: (error: unknown) => unknown;
}

function startRun(scenario: Scenario, options: SimulateOptions): StartedRun {
  const seed = options.seed ?? scenario.seed;
  const recordTrace = options.traceSink !== undefined || (options.trace ?? scenario.run.trace);
  const maxEvents = options.maxEvents ?? null;
  if (maxEvents !== null && !(Number.isInteger(maxEvents) && maxEvents >= 1)) {
    throw new RangeError(`invalid maxEvents: ${maxEvents} (expected a positive integer)`);
  }
  checkBudget(scenario, {
    traceInMemory: recordTrace && options.traceSink === undefined,
    maxEvents,
    ...(options.memoryLimit !== undefined ? { memoryLimit: options.memoryLimit } : {}),
  });
  const sink = options.traceSink
    ? options.traceSink({ scenario: scenario.name, seed, cores: scenario.machine.cores })
    : null;
  try {
    const state = build(scenario, seed, recordTrace, sink, options.progress);
    return {
      sim: state.sim,
      until: scenario.run.until ?? Number.POSITIVE_INFINITY,
      maxEvents: maxEvents ?? Number.POSITIVE_INFINITY,
      finish: (stoppedAtLimit) => {
        const { result, end } = state.finish(stoppedAtLimit);
        const bad = firstNonFinite(result.metrics);
        if (bad) {
          throw new ScenarioError(
            [`the run's ${bad.path} came out as ${bad.value}: a result that is not a finite number is an error`],
            scenario.name,
          );
        }
        sink?.close(end);
        return result;
      },
      fail: (error) => {
        sink?.abort();
        return explain(scenario, error);
      },
    };
  } catch (error) {
    sink?.abort();
    throw explain(scenario, error);
  }
}

function build(
  scenario: Scenario,
  seed: number,
  recordTrace: boolean,
  sink: TraceSink | null,
  progress: ((completed: number) => void) | undefined,
): { sim: Simulation; finish: (stoppedAtLimit: boolean) => { result: RunResult; end: Nanos } } {
  const sim = new Simulation({ seed });
  const recorder = new Recorder(recordTrace, scenario.run.warmup, sink);
  if (progress) recorder.progress = progress;
  const world = new World(sim, scenario, recorder);
  const rt = new Runtime(world);
  const main = rt.addProcess("main");
  const planner = new TaskPlanner(scenario, seed);
  const start = buildExecutor(rt, main, planner);
  scenario.background.forEach((b, i) => {
    const thread = rt.addThread(main, b.name, "background");
    thread.start(backgroundProgram(rt, b.steps, sim.random(`background:${i}`), undefined, thread));
  });
  start();
  return {
    sim,
    finish: (stoppedAtLimit) =>
      finishRun(scenario, seed, recordTrace, sink, progress, sim, rt, recorder, world, planner, stoppedAtLimit),
  };
}

function finishRun(
  scenario: Scenario,
  seed: number,
  recordTrace: boolean,
  sink: TraceSink | null,
  progress: ((completed: number) => void) | undefined,
  sim: Simulation,
  rt: Runtime,
  recorder: Recorder,
  world: World,
  planner: TaskPlanner,
  stoppedAtLimit: boolean,
): { result: RunResult; end: Nanos } {
  progress?.(recorder.completed);
  const end = sim.now;
  for (const t of rt.threads) t.close();
  for (const p of rt.processes) p.gil?.closeHold();
  rt.machine.closeBusy();
  const truncated = recorder.completed < planner.count;
  const metrics = collectMetrics(rt, end, seed);
  const trace: Trace | null =
    recordTrace && !sink
      ? {
          scenario: scenario.name,
          seed,
          end,
          cores: scenario.machine.cores,
          threads: recorder.threads,
          intervals: recorder.intervals,
          gil: recorder.gil,
          markers: recorder.markers,
          tasks: recorder.tasks,
          iterations: recorder.iterations,
        }
      : null;
  const delivered = rt.threads.reduce((a, t) => a + t.cpuUsed, 0);
  return {
    end,
    result: {
      scenario,
      metrics,
      trace,
      truncated,
      stoppedBy: stoppedAtLimit ? "max-events" : truncated ? "run.until" : null,
      cpu: { demand: world.demandCpu, overhead: world.overheadCpu, delivered },
      latency: recorder.latency,
    },
  };
}
