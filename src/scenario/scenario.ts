import { formatDuration, MS, type Nanos, US } from "../engine/time.js";
import { processStartFor, profile, type RuntimeParams, type StartMethod } from "../model/profiles.js";
import { MAX_DEPTH, tooDeep } from "./depth.js";
import { meanOf } from "./distribution.js";
import { formatIssues, formatPath, ScenarioError } from "./errors.js";
import { formatLimit, MAX_STEPS_PER_TASK } from "./limits.js";
import {
  type Arrivals,
  type ParsedScenario,
  type ScenarioInput,
  type Step,
  scenarioObjectSchema,
  type TaskClass,
} from "./schema.js";

export type PoolConfig =
  | { kind: "threads"; workers: number }
  | { kind: "processes"; workers: number; startMethod: StartMethod };

export type ExecutorConfig =
  | { kind: "sync" }
  | { kind: "asyncio"; loops: number; offload: PoolConfig | null }
  | PoolConfig;

/** A scenario with every default filled in and every duration in integer nanoseconds. */
export interface Scenario {
  name: string;
  description: string;
  seed: number;
  machine: {
    cores: number;
    slice: Nanos;
    tick: Nanos;
    scheduler: "eevdf" | "cfs";
    /**
     * How a CPU going idle balances: "always" tries to pull a waiting thread every time; "proportional"
     * (Linux 6.18.5+, NI_RANDOM) tries only as often as such tries have lately succeeded.
     */
    newidle: "always" | "proportional";
    migrationCost: Nanos;
    idleWake: { max: Nanos; tau: Nanos };
    coldStart: { max: Nanos; tau: Nanos; slowdown: number };
    timerTail: { share: number; min: Nanos; max: Nanos };
    /** The CPUs share a cache domain the kernel knows of; without one, woken threads stay on their previous CPU. */
    sharedCache: boolean;
  };
  runtime: RuntimeParams;
  executor: ExecutorConfig;
  workload: {
    arrivals: Arrivals;
    concurrency: number | null;
    classes: TaskClass[];
    /** Process pools with batch arrivals: tasks per work item, as Executor.map(chunksize) (absent: one). */
    chunksize?: number;
  };
  background: { name: string; steps: Step[] }[];
  run: { until: Nanos | null; warmup: Nanos; replications: number; confidence: number; trace: boolean };
}

/** The kernels `machine.kernel` names (the schema's list). */
export type KernelName = ParsedScenario["machine"]["kernel"];

/** Linux's base time slice: EEVDF 0.75 ms x (1 + ilog2(min(C, 8))) (0.70 ms on 6.15+); CFS 6 ms latency. */
export function defaultSlice(kernel: KernelName, cores: number): Nanos {
  const factor = 1 + Math.floor(Math.log2(Math.min(cores, 8)));
  if (kernel === "cfs") return Math.round((6 * MS * factor) / 2);
  return (kernel === "eevdf" ? 750 * US : 700 * US) * factor;
}

/** Parses and checks a scenario; throws a ScenarioError listing every problem. */
export function parseScenario(input: unknown, source = "scenario"): Scenario {
  const deep = tooDeep(input);
  if (deep) {
    throw new ScenarioError(
      [`${formatPath(deep)}: nested more than ${MAX_DEPTH} lists and objects deep (at most ${MAX_DEPTH})`],
      source,
    );
  }
  const result = scenarioObjectSchema.safeParse(input, { reportInput: true });
  if (!result.success) throw new ScenarioError(formatIssues(result.error.issues), source);
  const problems = checkSemantics(result.data);
  if (problems.length > 0) throw new ScenarioError(problems, source);
  return resolve(result.data);
}

/** Validates without throwing: the list of problems, empty when the scenario is good. */
export function validateScenario(input: unknown): string[] {
  try {
    parseScenario(input);
    return [];
  } catch (error) {
    if (error instanceof ScenarioError) return [...error.problems];
    throw error;
  }
}

/** A typed helper for notebooks: the object is checked by TypeScript, then parsed. */
export function scenario(input: ScenarioInput): Scenario {
  return parseScenario(input);
}

function checkSemantics(s: ParsedScenario): string[] {
  const problems: string[] = [];
  const free = s.runtime.python.endsWith("t");
  if (s.runtime.gil === "off" && !free) {
    problems.push(
      `runtime.gil: "off" needs a free-threaded build (python "3.13t" or "3.14t"), got python ${JSON.stringify(s.runtime.python)}`,
    );
  }
  const offload =
    s.executor.kind !== "asyncio"
      ? `offloading needs an asyncio executor (executor.kind is ${JSON.stringify(s.executor.kind)})`
      : s.executor.offload === "none"
        ? 'offloading needs an executor (executor.offload is "none")'
        : null;
  const walk = (
    steps: readonly Step[],
    path: (string | number)[],
    inTask: boolean,
    offloaded: boolean,
    inThread = false,
  ): void => {
    steps.forEach((step, i) => {
      const at = [...path, i];
      if (step.kind === "offload") {
        if (offload && inTask) problems.push(`${formatPath([...at, "offload"])}: ${offload}`);
        else if (!inTask) problems.push(`${formatPath([...at, "offload"])}: a background thread cannot offload`);
        else if (offloaded) problems.push(`${formatPath([...at, "offload"])}: an offloaded step cannot offload again`);
        else if (inThread)
          problems.push(`${formatPath([...at, "offload"])}: a thread of a threads step cannot offload`);
        walk(step.steps, [...at, "offload"], inTask, true, inThread);
      } else if (step.kind === "spawn") {
        const where = !inTask
          ? "a background thread"
          : s.executor.kind !== "asyncio"
            ? `a ${s.executor.kind} executor's task`
            : offloaded
              ? "an offloaded step"
              : inThread
                ? "a thread of a threads step"
                : null;
        if (where) {
          problems.push(
            `${formatPath([...at, "spawn"])}: spawn needs a running coroutine (an asyncio task), not ${where}`,
          );
        }
        walk(step.steps, [...at, "steps"], inTask, offloaded, inThread);
      } else if (step.kind === "threads") {
        if (!inTask) problems.push(`${formatPath([...at, "threads"])}: a background thread cannot start threads`);
        walk(step.steps, [...at, "steps"], inTask, offloaded, true);
      } else if (step.kind === "repeat") {
        if (step.times === "forever") {
          if (inTask) {
            problems.push(
              `${formatPath([...at, "repeat"])}: "forever" never ends inside a task (use a count, or a background thread with run.until)`,
            );
          } else if (s.run.until === undefined) {
            problems.push(`${formatPath([...at, "repeat"])}: "forever" never ends without run.until`);
          } else if (!(meanTime(step.steps) > 0)) {
            problems.push(
              `${formatPath([...at, "steps"])}: a "forever" loop whose steps take no time never lets the clock move (give a step a duration above 0)`,
            );
          }
        }
        walk(step.steps, [...at, "steps"], inTask, offloaded, inThread);
      }
    });
  };
  s.workload.classes.forEach((c, i) => {
    walk(c.steps, ["workload", "classes", i, "steps"], true, false);
    const n = stepCount(c.steps);
    if (n > MAX_STEPS_PER_TASK) {
      problems.push(
        `${formatPath(["workload", "classes", i, "steps"])}: a task runs ${formatLimit(n)} steps with its repeats multiplied out (expected at most ${formatLimit(MAX_STEPS_PER_TASK)})`,
      );
    }
  });
  s.background.forEach((b, i) => {
    walk(b.steps, ["background", i, "steps"], false, false);
  });
  const chunksize = s.workload.chunksize;
  if (chunksize !== undefined) {
    if (s.executor.kind !== "processes") {
      problems.push(
        `workload.chunksize: chunking needs a processes executor (executor.kind is ${JSON.stringify(s.executor.kind)})`,
      );
    } else if (s.workload.arrivals.kind !== "batch") {
      problems.push(
        `workload.chunksize: chunking needs batch arrivals, as Executor.map has all its items at once (arrivals.kind is ${JSON.stringify(s.workload.arrivals.kind)})`,
      );
    } else if (s.workload.concurrency !== undefined) {
      // Executor.map submits every chunk at once: no semaphore bounds it, so the two cannot mix.
      problems.push(
        "workload.chunksize: chunking submits every item at once, as Executor.map does, so it cannot be combined with workload.concurrency (remove one)",
      );
    }
  }
  if (s.run.until !== undefined && s.run.warmup >= s.run.until) {
    problems.push(
      `run.warmup: ${formatDuration(s.run.warmup)} is invalid (expected less than run.until, ${formatDuration(s.run.until)})`,
    );
  }
  return problems;
}

/** Steps one run of `steps` takes, repeats multiplied out (an offload counts itself and its steps); "forever" counts once. */
export function stepCount(steps: readonly Step[]): number {
  let n = 0;
  for (const step of steps) {
    if (step.kind === "repeat") n += (step.times === "forever" ? 1 : step.times) * stepCount(step.steps);
    else if (step.kind === "offload") n += 1 + stepCount(step.steps);
    else if (step.kind === "spawn" || step.kind === "threads") n += 1 + step.count * stepCount(step.steps);
    else n += 1;
  }
  return n;
}

/** The mean time one run of `steps` asks for (CPU, IO and blocking), repeats multiplied out, in ns. */
export function meanTime(steps: readonly Step[]): number {
  let t = 0;
  for (const step of steps) {
    if (step.kind === "repeat") t += (step.times === "forever" ? 1 : step.times) * meanTime(step.steps);
    else if (step.kind === "offload") t += meanTime(step.steps);
    else if (step.kind === "spawn" || step.kind === "threads") t += step.count * meanTime(step.steps);
    else if (step.kind === "socket") t += meanOf(step.peer);
    else t += meanOf(step.duration);
  }
  return t;
}

function resolve(s: ParsedScenario): Scenario {
  const cores = s.machine.cores;
  const base = profile(s.runtime.python, cores);
  const { python: _python, gil, ...overrides } = s.runtime;
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const runtime: RuntimeParams = { ...base, ...defined, gil: gil === undefined ? base.gil : gil === "on" };
  const pool = (p: { kind: "threads" | "processes"; workers?: number | undefined; startMethod?: StartMethod }) => {
    if (p.kind === "threads") return { kind: "threads", workers: p.workers ?? runtime.defaultThreadWorkers } as const;
    const startMethod = p.startMethod ?? runtime.startMethod;
    // The start-up of the pool's own start method: the scenario's processStart if it sets one, else
    // a measured one for that method (a profile), else the default for that method.
    if (s.runtime.processStart === undefined) {
      runtime.processStart = runtime.processStartBy[startMethod] ?? processStartFor(startMethod);
    }
    return { kind: "processes", workers: p.workers ?? runtime.defaultProcessWorkers, startMethod } as const;
  };
  const e = s.executor;
  const executor: ExecutorConfig =
    e.kind === "sync"
      ? { kind: "sync" }
      : e.kind === "asyncio"
        ? { kind: "asyncio", loops: e.loops, offload: e.offload === "none" ? null : pool(e.offload) }
        : pool(e);
  return {
    name: s.name,
    description: s.description,
    seed: s.seed,
    machine: {
      cores,
      slice: s.machine.slice ?? defaultSlice(s.machine.kernel, cores),
      tick: s.machine.tick,
      scheduler: s.machine.kernel === "cfs" ? "cfs" : "eevdf",
      newidle: s.machine.kernel === "eevdf-6.18" ? "proportional" : "always",
      migrationCost: s.machine.migrationCost,
      idleWake: s.machine.idleWake,
      coldStart: s.machine.coldStart,
      timerTail: s.machine.timerTail,
      sharedCache: s.machine.sharedCache,
    },
    runtime,
    executor,
    workload: {
      arrivals: s.workload.arrivals,
      concurrency: s.workload.concurrency ?? null,
      classes: s.workload.classes,
      ...(s.workload.chunksize !== undefined ? { chunksize: s.workload.chunksize } : {}),
    },
    background: s.background,
    run: {
      until: s.run.until ?? null,
      warmup: s.run.warmup,
      replications: s.run.replications,
      confidence: s.run.confidence,
      trace: s.run.trace,
    },
  };
}
