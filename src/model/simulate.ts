import { Simulation } from "../engine/simulation.js";
import type { Nanos } from "../engine/time.js";
import { collectMetrics } from "../metrics/collect.js";
import type { LatencySketch } from "../metrics/sketch.js";
import type { Metrics } from "../metrics/types.js";
import type { Scenario } from "../scenario/scenario.js";
import { TraceWriter } from "../trace/stream.js";
import type { Trace } from "../trace/types.js";
import { backgroundProgram } from "./background.js";
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
   * Stream the trace to this file (JSON lines, see src/trace/stream.ts) as the run goes instead
   * of keeping it in memory; the result's trace is then null. Implies recording.
   */
  traceFile?: string;
  /**
   * Told the number of finished tasks every PROGRESS_EVERY (4096) tasks while the run goes and
   * once at its end, for a progress bar; it must not touch the run.
   */
  progress?: (completed: number) => void;
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
  /** Null when recording was off, or when the trace was streamed to a file (traceFile). */
  trace: Trace | null;
  /** Whether the run stopped at run.until with work left. */
  truncated: boolean;
  cpu: CpuAccounting;
  /** The measured tasks' latencies, metrics.latency's source: sketches of several runs add up to their pooled quantiles. */
  latency: LatencySketch;
}

/** Runs one simulation of the scenario. Same scenario and seed, same result, to the byte. */
export function simulate(scenario: Scenario, options: SimulateOptions = {}): RunResult {
  const seed = options.seed ?? scenario.seed;
  const sink = options.traceFile
    ? new TraceWriter(options.traceFile, { scenario: scenario.name, seed, cores: scenario.machine.cores })
    : null;
  try {
    const result = run(scenario, seed, sink !== null || (options.trace ?? scenario.run.trace), sink, options.progress);
    sink?.close(result.end);
    return result.result;
  } catch (error) {
    sink?.abort();
    throw error;
  }
}

function run(
  scenario: Scenario,
  seed: number,
  recordTrace: boolean,
  sink: TraceWriter | null,
  progress: ((completed: number) => void) | undefined,
): { result: RunResult; end: Nanos } {
  const sim = new Simulation({ seed });
  const recorder = new Recorder(recordTrace, scenario.run.warmup, sink);
  if (progress) recorder.progress = progress;
  const world = new World(sim, scenario, recorder);
  const rt = new Runtime(world);
  const main = rt.addProcess("main");
  const planner = new TaskPlanner(scenario, seed);
  const start = buildExecutor(rt, main, planner);
  scenario.background.forEach((b, i) => {
    rt.spawn(main, b.name, "background", backgroundProgram(rt, b.steps, sim.random(`background:${i}`)));
  });
  start();
  const until = scenario.run.until ?? Number.POSITIVE_INFINITY;
  sim.run(until);
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
      cpu: { demand: world.demandCpu, overhead: world.overheadCpu, delivered },
      latency: recorder.latency,
    },
  };
}
