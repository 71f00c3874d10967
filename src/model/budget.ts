import { formatDuration, MAX_TIME, SECOND } from "../engine/time.js";
import { meanOf } from "../scenario/distribution.js";
import { ScenarioError } from "../scenario/errors.js";
import { formatLimit } from "../scenario/limits.js";
import { meanTime, type Scenario, stepCount } from "../scenario/scenario.js";
import type { Step } from "../scenario/schema.js";
import { heapLimit } from "./heap.js";
import { UNROLL_MAX } from "./plan.js";

/*
 * What a run will cost, estimated from the scenario before it starts, so that a run that cannot
 * finish is refused with its cause instead of hanging or being killed for memory:
 * - time: the clock is exact for 2^53 ns (104 days); a run whose last arrival or whose tasks
 *   alone reach past that cannot be simulated;
 * - work: the steps it runs, repeats and replications multiplied out;
 * - memory: the tasks held at once (all of a batch, the backlog of an overloaded open workload)
 *   and the trace when it is kept in memory.
 * The byte costs are measured (a task of 2 steps takes about 1.2 kB on an event loop, each step of
 * a recorded trace about 300 B); the estimates lean low, so a run that fits is never refused.
 */

/** The most steps a run may take without --max-events or run.until: about an hour or more of work. */
export const MAX_RUN_STEPS = 1e10;
/** Bytes a task in flight costs, plus STEP_BYTES per planned step. */
const TASK_BYTES = 900;
const STEP_BYTES = 150;
/** Bytes each step costs in a trace kept in memory. */
const TRACE_STEP_BYTES = 300;
/** What Node and gilsim take before a run holds anything. */
const BASE_BYTES = 100 * 2 ** 20;

export interface BudgetOptions {
  /** Whether the run keeps its trace in memory (not off, not streamed to a file). */
  traceInMemory: boolean;
  /** Runs of the scenario (replications). Default 1. */
  runs?: number;
  /** A limit on the events of each run; when given, the work check is left to it. */
  maxEvents?: number | null;
  /** Bytes the run may use. Default: defaultMemoryLimit(). */
  memoryLimit?: number;
}

/** Three quarters of the JavaScript heap this process may grow to (Node's --max-old-space-size). */
export function defaultMemoryLimit(): number {
  return Math.floor(0.75 * heapLimit());
}

/** "1.2 GB", "340 MB". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${Number((bytes / 1e9).toPrecision(2))} GB`;
  return `${Math.max(1, Math.round(bytes / 1e6))} MB`;
}

function count(n: number): string {
  return n >= 1e9 || (n >= 1e6 && n % 1e6 !== 0) ? n.toExponential(1).replace("e+", "e") : formatLimit(Math.round(n));
}

/** A rate to 3 significant digits: "1,000/s", "0.0167/s". */
function rate(perSecond: number): string {
  return `${perSecond >= 1000 ? count(perSecond) : Number(perSecond.toPrecision(3))}/s`;
}

/** A long time in days or years, a short one as formatDuration does. */
function longTime(ns: number): string {
  const days = ns / (86_400 * SECOND);
  if (days >= 365) return `${Number((days / 365).toPrecision(3)).toLocaleString("en-US")} years`;
  if (days >= 1) return `${Number(days.toPrecision(3))} days`;
  return formatDuration(ns);
}

/** Mean CPU a pass over `steps` asks for: all of it, and the part that needs the GIL (Python and GIL-holding C). */
function cpuOf(steps: readonly Step[]): { all: number; gil: number } {
  let all = 0;
  let gil = 0;
  for (const step of steps) {
    if (step.kind === "repeat" || step.kind === "offload" || step.kind === "spawn" || step.kind === "threads") {
      const inner = cpuOf(step.steps);
      const times =
        step.kind === "repeat" ? (step.times !== "forever" ? step.times : 1) : step.kind === "offload" ? 1 : step.count;
      all += times * inner.all;
      gil += times * inner.gil;
    } else if (step.kind === "cpu") {
      const mean = meanOf(step.duration);
      all += mean;
      if (step.gil !== "release") gil += mean;
    }
  }
  return { all, gil };
}

/** Mean time a pass over `steps` keeps an event loop busy: its CPU and blocking calls, not its awaits or offloads. */
function loopTime(steps: readonly Step[]): number {
  let t = 0;
  for (const step of steps) {
    if (step.kind === "repeat") t += (step.times === "forever" ? 1 : step.times) * loopTime(step.steps);
    else if (step.kind === "spawn") t += step.count * loopTime(step.steps);
    else if (step.kind === "cpu" || step.kind === "block") t += meanOf(step.duration);
  }
  return t;
}

interface Workload {
  /** Share of tasks in each class. */
  shares: number[];
  /** Mean over the class mix of a task's flat steps, its steps held in memory when planned, its time and CPU. */
  steps: number;
  planned: number;
  time: number;
  cpu: number;
  gilCpu: number;
  loop: number;
}

function workload(s: Scenario): Workload {
  const total = s.workload.classes.reduce((a, c) => a + c.weight, 0);
  const w: Workload = { shares: [], steps: 0, planned: 0, time: 0, cpu: 0, gilCpu: 0, loop: 0 };
  for (const c of s.workload.classes) {
    const share = c.weight / total;
    const steps = stepCount(c.steps);
    const cpu = cpuOf(c.steps);
    w.shares.push(share);
    w.steps += share * steps;
    w.planned += share * Math.min(steps, 2 * UNROLL_MAX);
    w.time += share * meanTime(c.steps);
    w.cpu += share * cpu.all;
    w.gilCpu += share * cpu.gil;
    w.loop += share * loopTime(c.steps);
  }
  return w;
}

/**
 * The most tasks a second the executor could possibly serve: a bound from the cores, from the GIL
 * of each process, and from the workers (each busy for a whole task) or loops. Infinity when
 * nothing bounds it. An upper bound, so a backlog computed from it is a lower bound.
 */
export function capacityBound(s: Scenario, w: Workload = workload(s)): { perSecond: number; why: string } {
  let best = { perSecond: Number.POSITIVE_INFINITY, why: "" };
  const bound = (perSecond: number, why: string) => {
    if (perSecond < best.perSecond) best = { perSecond, why };
  };
  const e = s.executor;
  const time = Math.max(w.time, 1);
  if (w.cpu > 0) bound((s.machine.cores * SECOND) / w.cpu, `${s.machine.cores} cores`);
  const gilProcesses = e.kind === "processes" ? e.workers : e.kind === "asyncio" ? e.loops : 1;
  if (s.runtime.gil && w.gilCpu > 0 && e.kind !== "processes") {
    bound(
      (gilProcesses * SECOND) / (w.gilCpu * s.runtime.pythonSlowdown),
      `${formatDuration(w.gilCpu)} of GIL-held CPU a task on ${gilProcesses === 1 ? "one GIL" : `${gilProcesses} GILs`}`,
    );
  }
  if (e.kind === "sync") bound(SECOND / time, `one task at a time, ${formatDuration(w.time)} each`);
  if (e.kind === "threads" || e.kind === "processes") {
    bound((e.workers * SECOND) / time, `${e.workers} workers, each busy ${formatDuration(w.time)} a task`);
  }
  if (e.kind === "asyncio" && w.loop > 0) {
    bound((e.loops * SECOND) / w.loop, `${formatDuration(w.loop)} of each task blocking the event loop`);
  }
  if (s.workload.concurrency !== null) {
    bound((s.workload.concurrency * SECOND) / time, `at most ${s.workload.concurrency} tasks in progress`);
  }
  return best;
}

/** The scenario's estimated costs (see the top of this file). */
export interface RunEstimate {
  /** Steps all runs take, repeats multiplied out. */
  steps: number;
  /** Tasks held in memory at once, at the peak. */
  peakTasks: number;
  /** Why that many: "a batch ...", "a backlog ...". */
  peakWhy: string;
  /** Bytes at the peak: tasks, their planned steps, and the trace when kept in memory. */
  bytes: number;
  traceBytes: number;
}

export function estimateRun(s: Scenario, options: BudgetOptions): RunEstimate {
  const w = workload(s);
  const a = s.workload.arrivals;
  const until = s.run.until;
  const runs = options.runs ?? 1;
  // Tasks that arrive in the run: an open workload stops arriving at run.until.
  const tasks =
    a.kind === "poisson" || a.kind === "fixed"
      ? Math.min(a.count, until === null ? a.count : (a.rate * until) / SECOND + 1)
      : a.kind === "replay" && until !== null
        ? arrivedBy(a.times, until)
        : a.count;
  let steps = tasks * (w.steps + 1);
  for (const b of s.background) {
    const forever = b.steps.some((x) => x.kind === "repeat" && x.times === "forever");
    const time = meanTime(b.steps);
    steps += forever && until !== null && time > 0 ? (until / time) * stepCount(b.steps) : stepCount(b.steps);
  }
  steps *= runs;
  let peakTasks: number;
  let peakWhy: string;
  if (a.kind === "batch") {
    peakTasks = a.count;
    peakWhy = `a batch of ${count(a.count)} tasks at time 0 keeps every task in memory at once`;
  } else if (a.kind === "closed") {
    peakTasks = Math.min(a.clients, a.count);
    peakWhy = `${count(peakTasks)} clients keep a task each in memory`;
  } else {
    const capacity = capacityBound(s, w);
    const arrivalRate = a.kind === "replay" ? replayRate(a.times) : a.rate;
    const backlog = Math.max(0, tasks * (1 - capacity.perSecond / arrivalRate));
    const flowing = (arrivalRate * w.time) / SECOND + 1;
    peakTasks = Math.min(tasks, backlog + flowing);
    peakWhy =
      backlog > flowing
        ? `arrivals at ${rate(arrivalRate)} are more than this executor can serve (at most about ${rate(capacity.perSecond)}: ${capacity.why}), so a backlog of about ${count(backlog)} tasks builds up in memory`
        : `about ${count(peakTasks)} tasks are in flight at once`;
  }
  // An event limit also bounds what a run can hold: each arrival and each step takes an event.
  const maxEvents = options.maxEvents ?? Number.POSITIVE_INFINITY;
  if (a.kind !== "batch" && peakTasks > maxEvents) {
    peakTasks = maxEvents;
    peakWhy = `up to ${count(maxEvents)} tasks (one an event) can arrive within --max-events`;
  }
  const traceBytes = options.traceInMemory ? Math.min(steps / runs, maxEvents) * TRACE_STEP_BYTES : 0;
  const bytes = BASE_BYTES + peakTasks * (TASK_BYTES + STEP_BYTES * w.planned) + traceBytes;
  return { steps, peakTasks, peakWhy, bytes, traceBytes };
}

/** Replayed arrivals at or before `until` (times sorted). */
function arrivedBy(times: readonly number[], until: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] as number) <= until) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The mean rate of replayed arrivals, per second (infinite when they all come at once). */
function replayRate(times: readonly number[]): number {
  const span = (times[times.length - 1] ?? 0) - (times[0] ?? 0);
  return span > 0 ? ((times.length - 1) * SECOND) / span : Number.POSITIVE_INFINITY;
}

/** The expected time of the run's end, from its arrivals and its tasks alone (a lower bound in spirit), ns. */
function expectedEnd(s: Scenario): { ns: number; why: string } {
  const w = workload(s);
  const a = s.workload.arrivals;
  const parts: { ns: number; why: string }[] = [{ ns: w.time, why: "a task's own steps take" }];
  if (a.kind === "poisson" || a.kind === "fixed") {
    parts.push({
      ns: ((a.count - 1) * SECOND) / a.rate,
      why: `the last of ${count(a.count)} arrivals at ${rate(a.rate)} comes`,
    });
  } else if (a.kind === "replay") {
    parts.push({ ns: a.times[a.count - 1] ?? 0, why: `the last of ${count(a.count)} replayed arrivals comes` });
  } else if (a.kind === "closed") {
    const per = meanOf(a.think) + w.time;
    parts.push({
      ns: (a.count / Math.min(a.clients, a.count)) * per,
      why: `${count(a.count)} requests from ${count(a.clients)} clients take`,
    });
  }
  if (s.executor.kind === "sync")
    parts.push({ ns: a.count * w.time, why: `${count(a.count)} tasks one after another take` });
  return parts.reduce((x, y) => (y.ns > x.ns ? y : x));
}

/**
 * Refuses, with a ScenarioError naming the cause, a run that cannot finish: one whose clock would
 * pass 2^53 ns, one of more than MAX_RUN_STEPS steps without a limit, or one that would need more
 * memory than the limit.
 */
export function checkBudget(s: Scenario, options: BudgetOptions): RunEstimate {
  const problems: string[] = [];
  if (s.run.until === null) {
    const end = expectedEnd(s);
    if (!(end.ns <= MAX_TIME)) {
      problems.push(
        `the run would last past 104 days of simulated time, the most the clock holds exactly (2^53 ns): ${end.why} about ${longTime(end.ns)} (set run.until to stop it earlier, or shorten it)`,
      );
    }
  }
  const estimate = estimateRun(s, options);
  const limited = (options.maxEvents ?? null) !== null;
  if (!limited && estimate.steps > MAX_RUN_STEPS) {
    problems.push(
      `the run takes about ${count(estimate.steps)} steps (tasks times their steps, repeats multiplied out${(options.runs ?? 1) > 1 ? ", times the replications" : ""}), more than the ${count(MAX_RUN_STEPS)} a run may take (hours of work): use fewer tasks or repeats, or pass --max-events N to run part of it`,
    );
  }
  const limit = options.memoryLimit ?? defaultMemoryLimit();
  if (estimate.bytes > limit) {
    const byTrace = estimate.traceBytes > estimate.bytes / 2;
    problems.push(
      byTrace
        ? `recording the trace of this run in memory takes about ${formatBytes(estimate.bytes)}, more than the ${formatBytes(limit)} this run may use: stream it to disk instead (gilsim trace --format jsonl), or turn it off (run.trace false)`
        : `${estimate.peakWhy}: about ${formatBytes(estimate.bytes)}, more than the ${formatBytes(limit)} this run may use (${estimate.peakWhy.startsWith("a batch") ? "use poisson or fixed arrivals, which hold only the tasks in flight, or fewer tasks" : "lower the load, add workers, or use fewer tasks"})`,
    );
  }
  if (problems.length > 0) throw new ScenarioError(problems, s.name);
  return estimate;
}
