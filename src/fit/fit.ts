import type { RecordedExecutor, RecordedProcess, RecordedTask, Recording } from "../capture/recording.js";
import { mainProcess } from "../capture/recording.js";
import { SECOND, US } from "../engine/time.js";
import { PYTHON_VERSIONS, type PythonVersion } from "../model/profiles.js";
import type { ScenarioInput } from "../scenario/schema.js";
import { type FittedArrivals, fitArrivals } from "./arrivals.js";
import { BusyIndex } from "./busy.js";
import { type FittedClass, fitName, stepsInput } from "./classes.js";
import { type DistChoice, us } from "./distribution-fit.js";
import { gilHolds, loopRuns, type StepContext, type TaskStep, taskSteps } from "./steps.js";

/*
 * `gilsim fit`: a recording in, a scenario out. Task classes by name (route), their steps with
 * fitted or empirical distributions, the arrival process, the executor and the interpreter the
 * program ran on, and the machine's CPUs. What could not be expressed is said in warnings.
 */

/** How fit writes the arrival process: the fitted kind (Poisson or fixed rate), or a replay of the recorded times. */
export const ARRIVALS_CHOICES = ["fitted", "replay"] as const;
export type ArrivalsChoice = (typeof ARRIVALS_CHOICES)[number];

export interface FitOptions {
  dist: DistChoice;
  /** fitted: Poisson or fixed rate, as the gaps look; replay: every recorded arrival time, as it came. */
  arrivals: ArrivalsChoice;
  /** Tasks arriving this long after the first are left out of the fit and of the latencies (ns). */
  warmup: number;
  /** Waits shorter than this are quick calls, not IO (ns). */
  ioMin: number;
  /** The interpreter to write when the recording does not say (an OpenTelemetry import). */
  python: PythonVersion | null;
  /** The executor to write instead of the recorded one (an OpenTelemetry import has none). */
  executor: { kind: "threads"; workers: number } | { kind: "asyncio"; workers: number } | null;
  /** The scenario's name. */
  name: string;
  /** Where the recording came from, for the description. */
  source: string;
}

export const DEFAULT_FIT: FitOptions = {
  dist: "auto",
  arrivals: "fitted",
  warmup: SECOND,
  ioMin: 50 * US,
  python: null,
  executor: null,
  name: "fitted",
  source: "a recording",
};

/** The Python a recording without one is fitted for. */
export const DEFAULT_PYTHON: PythonVersion = "3.12";

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface FitResult {
  input: ScenarioInput;
  process: { pid: number; python: string | null; cpus: number | null; tasks: number };
  classes: FittedClass[];
  arrivals: FittedArrivals;
  /** The arrivals kind written in the scenario: the fitted one, or "replay" when asked. */
  arrivalsWritten: "poisson" | "fixed" | "replay";
  executor: { input: ScenarioInput["executor"]; note: string };
  /**
   * CPU the submitting thread spent per task inside submit, written as runtime.submitCost; from a
   * recording without subp (an older recorder), all of the thread's CPU per task.
   */
  submitCost: number | null;
  /** The rest of the submitting thread's CPU per task (its accept loop), written as runtime.acceptCost; null when the recording does not split it. */
  acceptCost: number | null;
  /** The recorded tasks after the warm-up: their latency from arrival to end, ns. */
  recorded: LatencySummary;
  warnings: string[];
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  return a + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] as number) - a);
}

/** Mean and p50, p95, p99 of latencies (ns). */
export function summarizeLatencies(latencies: readonly number[]): LatencySummary {
  const s = [...latencies].sort((a, b) => a - b);
  return {
    count: s.length,
    mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length),
    p50: quantile(s, 0.5),
    p95: quantile(s, 0.95),
    p99: quantile(s, 0.99),
  };
}

function pythonOf(p: RecordedProcess, override: PythonVersion | null, warnings: string[]): PythonVersion {
  if (override) return override;
  const v = p.header.python;
  if (!v) {
    warnings.push(`the recording does not say which Python ran it: fitted for ${DEFAULT_PYTHON} (set --python)`);
    return DEFAULT_PYTHON;
  }
  const [major, minor] = v.split(".");
  const base = `${major}.${minor}`;
  const name = (p.header.freeThreaded ? `${base}t` : base) as PythonVersion;
  if ((PYTHON_VERSIONS as readonly string[]).includes(name)) return name;
  const fallback = p.header.freeThreaded ? "3.13t" : DEFAULT_PYTHON;
  warnings.push(`Python ${v} has no profile in gilsim: fitted for ${fallback}`);
  return fallback;
}

/** The most tasks in flight at once (arrival to end). */
function peakConcurrency(tasks: readonly RecordedTask[]): number {
  const events: [number, number][] = [];
  for (const t of tasks) events.push([t.start, 1], [t.end, -1]);
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, d] of events) {
    now += d;
    peak = Math.max(peak, now);
  }
  return peak;
}

function executorOf(
  tasks: readonly RecordedTask[],
  override: FitOptions["executor"],
  warnings: string[],
): { input: ScenarioInput["executor"]; note: string } {
  if (override) {
    return override.kind === "threads"
      ? { input: { kind: "threads", workers: override.workers }, note: "as given" }
      : { input: { kind: "asyncio", offload: { kind: "threads", workers: override.workers } }, note: "as given" };
  }
  const counts = new Map<string, { exec: RecordedExecutor; n: number }>();
  for (const t of tasks) {
    const key = JSON.stringify(t.exec);
    const c = counts.get(key);
    if (c) c.n++;
    else counts.set(key, { exec: t.exec, n: 1 });
  }
  const top = [...counts.values()].sort((a, b) => b.n - a.n)[0];
  if (!top) return { input: { kind: "sync" }, note: "no tasks" };
  if (counts.size > 1) {
    warnings.push(
      `tasks ran on ${counts.size} different executors; the scenario uses the most common (${top.n} of ${tasks.length} tasks)`,
    );
  }
  const e = top.exec;
  const peak = peakConcurrency(tasks);
  switch (e.kind) {
    case "threads":
      return { input: { kind: "threads", workers: e.workers }, note: `a ThreadPoolExecutor(${e.workers})` };
    case "asyncio":
      return {
        input: { kind: "asyncio", offload: { kind: "threads", workers: e.offload.workers } },
        note: `an asyncio loop with a default executor of ${e.offload.workers} threads`,
      };
    case "sync":
      return { input: { kind: "sync" }, note: "the main thread, one task at a time" };
    case "thread":
    case "thread-per-request":
    case "unknown": {
      const workers = e.kind === "unknown" && e.workers ? e.workers : Math.max(1, peak);
      warnings.push(
        `the tasks ran ${e.kind === "thread-per-request" ? "on a new thread each" : e.kind === "thread" ? "on threads of their own" : "on an unknown executor"}: written as a thread pool of ${workers} (the most tasks seen in flight at once)`,
      );
      return { input: { kind: "threads", workers }, note: `threads; ${workers} = peak tasks in flight` };
    }
  }
}

function medianOf(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[(s.length - 1) >> 1] as number;
}

/**
 * What a fitted step's measured time already holds, so the scenario must not add it again: the
 * code between two calls is fitted as a step of its own (the model's per-step bookkeeping,
 * runtime.stepOverhead, stands for that code in a hand-written scenario); a C call is timed from
 * its entry to its return, GIL-held edges included (runtime.cCallEdge); and every duration was
 * measured with the caches as the recorded traffic left them, cold after idles included
 * (machine.coldStart). Added on top, with the whole of the submitting thread's CPU charged before
 * the hand-off, they made the demo service's fitted scenario 27% to 50% slower at p50 than the
 * run it was fitted to (docs/model.md, "Scenarios fitted to a recording").
 */
export const MEASURED_IN_PLACE = { stepOverhead: "0us", cCallEdge: "0us" } as const;
export const NO_COLD_START = { max: "0us", tau: "1ms", slowdown: 1 } as const;

/**
 * The submitting thread's CPU per task, split as the model charges it: inside submit (before the
 * work item is queued: runtime.submitCost, and nothing after it: submitReturn 0) and the rest of
 * its loop (accept, read: acceptCost, charged after the hand-off). Each task records the thread's
 * CPU since its previous submit started (sub) and how much of that was inside that submit (subp),
 * so the rest is known per task. The recorded arrival is the submit's start, or the client's stamp
 * when that is earlier, so most of the loop's own CPU lies before it. A recording without subp
 * gets all of it as submitCost, as gilsim fit wrote before subp was recorded.
 */
function submitterCosts(
  tasks: readonly RecordedTask[],
  warnings: string[],
): { submit: number; accept: number | null } | null {
  const paired = tasks.flatMap((t) => (t.sub === null || t.subp === undefined ? [] : [{ sub: t.sub, in: t.subp }]));
  if (paired.length > 0) {
    return {
      submit: medianOf(paired.map((p) => p.in)) as number,
      accept: medianOf(paired.map((p) => Math.max(0, p.sub - p.in))) as number,
    };
  }
  const total = medianOf(tasks.flatMap((t) => (t.sub === null ? [] : [t.sub])));
  if (total === null) return null;
  warnings.push(
    "the recording does not say how much of the submitting thread's CPU was spent inside submit (no subp: an older recorder), so all of it is charged before the hand-off, which makes each task's wait too long; record again",
  );
  return { submit: total, accept: null };
}

/**
 * Recorded arrival times (ns, sorted) as a replay's times: milliseconds from the first arrival,
 * to the microsecond (the first is 0).
 */
export function replayTimes(sorted: readonly number[]): number[] {
  const first = sorted[0] ?? 0;
  return sorted.map((t) => Math.round((t - first) / 1e3) / 1e3);
}

/** Fits a scenario to the main process of a recording. */
export function fitRecording(rec: Recording, options: Partial<FitOptions> = {}): FitResult {
  const o = { ...DEFAULT_FIT, ...options };
  const warnings: string[] = [];
  const p = mainProcess(rec);
  if (rec.processes.length > 1) {
    warnings.push(
      `the recording has ${rec.processes.length} processes: fitted to process ${p.header.pid}, which ran the most tasks`,
    );
  }
  const all = p.tasks.filter((t) => t.end >= t.start && t.start >= t.arrival - 1);
  if (all.length < 2)
    throw new RangeError(`the recording has ${all.length} complete tasks (expected at least 2 to fit)`);
  const first = Math.min(...all.map((t) => t.arrival));
  let measured = all.filter((t) => t.arrival >= first + o.warmup);
  let warmup = o.warmup;
  if (measured.length < Math.max(2, all.length / 2)) {
    warnings.push(
      `the warm-up (${(o.warmup / 1e9).toFixed(1)} s) would leave out most tasks: none are left out (--warmup 0)`,
    );
    measured = all;
    warmup = 0;
  }
  const errors = measured.filter((t) => t.error !== undefined).length;
  if (errors > 0) warnings.push(`${errors} tasks ended with an exception; they are fitted like the others`);

  // The GIL and event-loop timelines, from every task of the process (the warm-up's too).
  const gil = new BusyIndex();
  const loop = new BusyIndex();
  for (const t of p.tasks) {
    gilHolds(t, (owner, s, e) => gil.add(owner, s, e));
    loopRuns(t, (owner, s, e) => loop.add(owner, s, e));
  }
  const ctx: StepContext = { gil, loop, ioMin: o.ioMin, otel: p.header.source === "otel" };

  const byName = new Map<string, TaskStep[][]>();
  for (const t of measured) {
    const steps = taskSteps(t, ctx);
    const list = byName.get(t.name);
    if (list) list.push(steps);
    else byName.set(t.name, [steps]);
  }
  const names = [...byName.entries()].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
  const classes = names.flatMap(([name, tasks]) => fitName(name, tasks, o.dist));
  for (const c of classes) {
    const folded = c.tasks - c.fitted;
    if (folded > 0) {
      warnings.push(
        `${c.name}: ${folded} of ${c.tasks} tasks made other calls than the common sequence; they count in its weight but not in its step durations`,
      );
    }
  }

  const arrivalTimes = all.map((t) => t.arrival).sort((a, b) => a - b);
  const arrivals = fitArrivals(arrivalTimes);
  if (arrivals.warning && o.arrivals !== "replay") warnings.push(arrivals.warning);
  const executor = executorOf(measured, o.executor, warnings);
  const python = pythonOf(p, o.python, warnings);
  const submitter = executor.input.kind === "threads" ? submitterCosts(measured, warnings) : null;

  const runtime: Record<string, unknown> = { python, ...MEASURED_IN_PLACE };
  if (!p.header.gil && python.endsWith("t")) runtime.gil = "off";
  if (Math.abs(p.header.switchInterval - 0.005) > 1e-9) runtime.switchInterval = us(p.header.switchInterval * 1e9);
  if (submitter) {
    // Either way the recorded CPU holds the whole submit call: nothing after it.
    runtime.submitCost = us(submitter.submit);
    runtime.submitReturn = "0us";
    runtime.acceptCost = us(submitter.accept ?? 0);
  }
  const cores = p.header.cpus ?? 4;
  if (p.header.cpus === null) warnings.push("the recording does not say how many CPUs the program had: 4 assumed");

  const input: ScenarioInput = {
    name: o.name,
    description: `Fitted by gilsim fit from ${o.source}: ${measured.length} tasks of process ${p.header.pid} (Python ${p.header.python ?? "unknown"}, ${cores} CPUs), ${executor.note}.`,
    seed: 1,
    machine: { cores, coldStart: NO_COLD_START },
    runtime: runtime as ScenarioInput["runtime"],
    executor: executor.input,
    workload: {
      arrivals:
        o.arrivals === "replay"
          ? { kind: "replay", times: replayTimes(arrivalTimes) }
          : arrivals.kind === "fixed"
            ? { kind: "fixed", rate: Number(arrivals.rate.toFixed(3)), count: all.length }
            : { kind: "poisson", rate: Number(arrivals.rate.toFixed(3)), count: all.length },
      classes: classes.map((c) => ({ name: c.name, weight: c.tasks, steps: stepsInput(c.steps) })) as NonNullable<
        ScenarioInput["workload"]
      >["classes"],
    },
    run: { warmup: us(warmup), trace: false },
  };
  return {
    input,
    process: { pid: p.header.pid, python: p.header.python, cpus: p.header.cpus, tasks: p.tasks.length },
    classes,
    arrivals,
    arrivalsWritten: o.arrivals === "replay" ? "replay" : arrivals.kind,
    executor,
    submitCost: submitter?.submit ?? null,
    acceptCost: submitter?.accept ?? null,
    recorded: summarizeLatencies(measured.map((t) => t.end - t.arrival)),
    warnings,
  };
}
