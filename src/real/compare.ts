import { metricsFromTrace } from "../metrics/from-trace.js";
import type { Metrics } from "../metrics/types.js";
import { simulate } from "../model/simulate.js";
import { type DistSpec, meanOf } from "../scenario/distribution.js";
import type { Scenario } from "../scenario/scenario.js";
import type { Step } from "../scenario/schema.js";
import type { Trace } from "../trace/types.js";
import { RealSetupError } from "./errors.js";
import { REAL_DEFAULTS, type RealOptions, type RealProgress } from "./options.js";
import { machineBusy, waitForQuiet } from "./quiet.js";
import { runReal } from "./runner.js";

/** One metric, simulated against real runs. */
export interface MetricComparison {
  /** "makespan", "throughput", "latency.p50", ..., or "busy:<thread name>". */
  key: string;
  /** "ns" (durations), "/s" (throughput) or "share" (of the run, in [0, 1]). */
  unit: "ns" | "/s" | "share";
  simulated: number;
  /** The value in each real run. */
  real: number[];
  mean: number;
  min: number;
  max: number;
  /** (simulated - mean) / mean; null when the real mean is 0. */
  error: number | null;
}

/** One real run as the comparison keeps it. */
export interface RealRun {
  trace: Trace;
  metrics: Metrics;
  /** Share of the machine busy in the moment before the run, and right after it (null where unknown). */
  busyBefore: number | null;
  busyAfter: number | null;
  /** The runner's warnings (another Python version, drift, fewer cores). */
  warnings: string[];
  /** "3.11.7". */
  python: string;
}

export interface Comparison {
  scenario: string;
  seed: number;
  /** What the simulation's runtime costs came from ("version defaults", a profile file). */
  profile: string;
  simulated: { trace: Trace; metrics: Metrics };
  real: RealRun[];
  rows: MetricComparison[];
  /** The distinct warnings of the real runs, and a busy-machine note. */
  warnings: string[];
}

const SCALARS: { key: string; unit: MetricComparison["unit"]; get: (m: Metrics) => number }[] = [
  { key: "makespan", unit: "ns", get: (m) => m.makespan },
  { key: "throughput", unit: "/s", get: (m) => m.throughput },
  { key: "latency.p50", unit: "ns", get: (m) => m.latency.p50 },
  { key: "latency.p95", unit: "ns", get: (m) => m.latency.p95 },
  { key: "latency.p99", unit: "ns", get: (m) => m.latency.p99 },
];

function row(key: string, unit: MetricComparison["unit"], simulated: number, real: number[]): MetricComparison {
  const mean = real.reduce((a, b) => a + b, 0) / Math.max(1, real.length);
  return {
    key,
    unit,
    simulated,
    real,
    mean,
    min: Math.min(...real),
    max: Math.max(...real),
    error: mean === 0 ? null : (simulated - mean) / mean,
  };
}

/**
 * Each metric of the simulation against the real runs: makespan, throughput, latency p50, p95 and
 * p99, and the busy share (1 - idle) of every thread found by name on both sides and seen busy in
 * a real run. Pure.
 */
export function compareMetrics(sim: Metrics, reals: readonly Metrics[]): MetricComparison[] {
  if (reals.length === 0) throw new RangeError("invalid reals: [] (expected at least one real run)");
  const rows = SCALARS.map((s) => row(s.key, s.unit, s.get(sim), reals.map(s.get)));
  for (const t of sim.threads) {
    const real = reals.map((m) => m.threads.find((x) => x.name === t.name));
    if (real.some((x) => x === undefined)) continue;
    // The harness records a thread only while it runs a step: a thread that ran none in any real
    // run (a pool's submitting MainThread) was not measured, so it gets no row rather than 0%.
    if (real.every((x) => (x?.share.idle ?? 1) >= 1 - 1e-12)) continue;
    rows.push(
      row(
        `busy:${t.name}`,
        "share",
        1 - t.share.idle,
        real.map((x) => 1 - (x?.share.idle ?? 0)),
      ),
    );
  }
  return rows;
}

/** The comparison of recorded real runs with a simulation of the same scenario and seed (no Python). */
export function comparisonOf(
  scenario: Scenario,
  seed: number,
  real: Omit<RealRun, "metrics">[],
  profile: string,
): Comparison {
  if (real.length === 0) throw new RangeError("invalid real: [] (expected at least one real run)");
  const warmup = scenario.run.warmup;
  const result = simulate(scenario, { seed, trace: true });
  if (!result.trace) throw new Error("the simulation recorded no trace");
  const simulated = { trace: result.trace, metrics: metricsFromTrace(result.trace, { warmup }) };
  const runs: RealRun[] = real.map((r) => ({ ...r, metrics: metricsFromTrace(r.trace, { warmup }) }));
  const warnings = summarizeWarnings(runs.map((r) => r.warnings));
  // A real run cut short (run.until, its timeout) measured only the tasks it finished: say so, and
  // leave a run that finished none out of the metrics, where it would count as a makespan and
  // latencies of 0.
  const planned = simulated.metrics.tasks.arrived;
  const measured = runs.filter((r) => r.metrics.tasks.completed > 0);
  runs.forEach((r, k) => {
    const done = r.metrics.tasks.completed;
    if (done === 0) warnings.push(`real run ${k + 1} finished no task: it is left out of the metrics`);
    else if (done < planned)
      warnings.push(`real run ${k + 1} finished ${done} of ${planned} tasks: its metrics cover those only`);
  });
  const busy = runs.map((r) => Math.max(r.busyBefore ?? 0, r.busyAfter ?? 0));
  const worst = Math.max(...busy);
  if (worst > BUSY_WARNING) {
    warnings.push(
      `the machine was ${Math.round(worst * 100)}% busy around a real run: other work disturbs real timings (try --quiet-wait, --priority)`,
    );
  }
  if (result.truncated) warnings.push("the simulation stopped at run.until with tasks unfinished");
  return {
    scenario: scenario.name,
    seed,
    profile,
    simulated,
    real: runs,
    rows: compareMetrics(
      simulated.metrics,
      (measured.length > 0 ? measured : runs).map((r) => r.metrics),
    ),
    warnings,
  };
}

const DRIFT = /^the (.+) rate drifted ([+-]?\d+(?:\.\d+)?)% during the run \(a busy machine\?\)$/;

/**
 * The runs' warnings, each said once: a rate that drifted (see warningsFor) becomes one line per
 * rate with the runs it drifted in and its range, not a line per run and value; other warnings
 * are kept once each, in the order first seen, with the share of runs when not all had it.
 */
export function summarizeWarnings(perRun: readonly (readonly string[])[]): string[] {
  const n = perRun.length;
  const drift = new Map<string, number[]>();
  const other = new Map<string, number>();
  const order: string[] = [];
  for (const warnings of perRun) {
    for (const w of new Set(warnings)) {
      const m = DRIFT.exec(w);
      const key = m ? `drift:${m[1]}` : w;
      if (!order.includes(key)) order.push(key);
      if (m) {
        const list = drift.get(m[1] as string) ?? [];
        list.push(Number(m[2]));
        drift.set(m[1] as string, list);
      } else other.set(w, (other.get(w) ?? 0) + 1);
    }
  }
  const pct = (x: number) => `${x > 0 ? "+" : ""}${x.toFixed(1)}%`;
  return order.map((key) => {
    if (!key.startsWith("drift:") || !drift.has(key.slice(6))) {
      const k = other.get(key) ?? n;
      return k === n || n === 1 ? key : `${key} (${k} of ${n} runs)`;
    }
    const name = key.slice(6);
    const values = drift.get(name) as number[];
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const range = lo === hi ? pct(lo) : `${pct(lo)} to ${pct(hi)}`;
    const runs = n === 1 ? "during the run" : `in ${values.length} of ${n} runs`;
    return `the ${name} rate drifted ${range} ${runs} (a busy machine?)`;
  });
}

/** Busy share of the machine around a run above which the comparison warns. */
export const BUSY_WARNING = 0.15;

export interface CompareOptions extends Omit<RealOptions, "onProgress"> {
  /** Real runs, for the noise band. Default 3. */
  runs?: number;
  /** Ask the harness to run at nice -N (see GILSIM_PRIORITY); 0 leaves it alone. Default 0. */
  priority?: number;
  /** Before each real run, wait up to this many ms for the machine to be quiet. Default 0 (just measure). */
  quietWaitMs?: number;
  /** Busy share that counts as quiet. Default 0.1. */
  quietThreshold?: number;
  /** What the simulation's runtime costs came from, for the report. Default "version defaults". */
  profile?: string;
  /** Called as each real run goes. */
  onProgress?: (progress: RealProgress & { run: number; runs: number }) => void;
}

/**
 * Bytes per hashing call for gil "release" steps: big enough that each step is one C call
 * releasing the GIL (as the scenario describes it) on a machine hashing up to 2.5 GB/s, at least
 * the harness's default, at most 256 MiB.
 */
export function releaseChunkFor(scenario: Scenario): number {
  let longest = 0;
  const walk = (steps: readonly Step[]): void => {
    for (const s of steps) {
      if (s.kind === "cpu" && s.gil === "release") longest = Math.max(longest, upper(s.duration));
      else if (s.kind === "offload" || s.kind === "repeat") walk(s.steps);
    }
  };
  for (const c of scenario.workload.classes) walk(c.steps);
  for (const b of scenario.background) walk(b.steps);
  const bytes = Math.ceil((longest * 2.5) / (1 << 20)) * (1 << 20);
  return Math.min(256 << 20, Math.max(REAL_DEFAULTS.releaseChunk, bytes));
}

/** A generous upper bound of a duration distribution, in ns: its largest value, its p99, or 4 x its mean. */
function upper(d: DistSpec): number {
  switch (d.dist) {
    case "constant":
      return d.value;
    case "uniform":
      return d.max;
    case "empirical":
      return Math.max(0, ...d.values);
    case "lognormal":
      return Math.exp(d.mu + 2.33 * d.sigma);
    default:
      return 4 * meanOf(d);
  }
}

/**
 * Simulates the scenario and runs it `runs` times in real CPython (the same seed, so the same
 * planned tasks), and compares every metric. Throws RealSetupError or HarnessError as runReal does.
 */
export async function compare(scenario: Scenario, options: CompareOptions = {}): Promise<Comparison> {
  const runs = options.runs ?? 3;
  if (!(Number.isInteger(runs) && runs >= 1 && runs <= 100)) {
    throw new RealSetupError(`invalid runs: ${JSON.stringify(runs)} (expected an integer from 1 to 100)`);
  }
  const priority = options.priority ?? 0;
  if (!(Number.isInteger(priority) && priority >= 0 && priority <= 20)) {
    throw new RealSetupError(`invalid priority: ${JSON.stringify(priority)} (expected an integer from 0 to 20)`);
  }
  const quietWaitMs = options.quietWaitMs ?? 0;
  if (!(Number.isFinite(quietWaitMs) && quietWaitMs >= 0)) {
    throw new RealSetupError(
      `invalid quietWaitMs: ${JSON.stringify(quietWaitMs)} (expected a number of ms, at least 0)`,
    );
  }
  const seed = options.seed ?? scenario.seed;
  const { runs: _r, priority: _p, quietWaitMs: _q, quietThreshold, profile, onProgress, ...real } = options;
  const env = { ...(real.env ?? {}), ...(priority > 0 ? { GILSIM_PRIORITY: String(priority) } : {}) };
  const calibration = { releaseChunk: releaseChunkFor(scenario), ...(real.calibration ?? {}) };
  const recorded: Omit<RealRun, "metrics">[] = [];
  for (let k = 0; k < runs; k++) {
    const quiet = await waitForQuiet({
      threshold: quietThreshold ?? 0.1,
      maxWaitMs: quietWaitMs,
      sampleMs: 300,
      ...(real.signal ? { signal: real.signal } : {}),
    });
    const r = await runReal(scenario, {
      ...real,
      seed,
      env,
      calibration,
      ...(onProgress ? { onProgress: (p: RealProgress) => onProgress({ ...p, run: k + 1, runs }) } : {}),
    });
    const after = await machineBusy(200, real.signal);
    recorded.push({
      trace: r.trace,
      busyBefore: quiet.busy,
      busyAfter: after,
      warnings: r.warnings,
      python: r.pythonVersion,
    });
  }
  return comparisonOf(scenario, seed, recorded, profile ?? "version defaults");
}
