import { formatDuration, MS, type Nanos, US } from "../engine/time.js";
import { processStartFor, profile, type RuntimeParams, type StartMethod } from "../model/profiles.js";
import { formatIssues, formatPath, ScenarioError } from "./errors.js";
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
    migrationCost: Nanos;
    idleWake: { max: Nanos; tau: Nanos };
  };
  runtime: RuntimeParams;
  executor: ExecutorConfig;
  workload: { arrivals: Arrivals; concurrency: number | null; classes: TaskClass[] };
  background: { name: string; steps: Step[] }[];
  run: { until: Nanos | null; warmup: Nanos; replications: number; confidence: number; trace: boolean };
}

/** Linux's base time slice: EEVDF 0.75 ms x (1 + ilog2(min(C, 8))) (0.70 ms on 6.15+); CFS 6 ms latency. */
export function defaultSlice(kernel: "eevdf" | "eevdf-6.15" | "cfs", cores: number): Nanos {
  const factor = 1 + Math.floor(Math.log2(Math.min(cores, 8)));
  if (kernel === "cfs") return Math.round((6 * MS * factor) / 2);
  return (kernel === "eevdf" ? 750 * US : 700 * US) * factor;
}

/** Parses and checks a scenario; throws a ScenarioError listing every problem. */
export function parseScenario(input: unknown, source = "scenario"): Scenario {
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
  const walk = (steps: readonly Step[], path: (string | number)[], inTask: boolean, offloaded: boolean): void => {
    steps.forEach((step, i) => {
      const at = [...path, i];
      if (step.kind === "offload") {
        if (offload && inTask) problems.push(`${formatPath([...at, "offload"])}: ${offload}`);
        else if (!inTask) problems.push(`${formatPath([...at, "offload"])}: a background thread cannot offload`);
        else if (offloaded) problems.push(`${formatPath([...at, "offload"])}: an offloaded step cannot offload again`);
        walk(step.steps, [...at, "offload"], inTask, true);
      } else if (step.kind === "repeat") {
        if (step.times === "forever") {
          if (inTask) {
            problems.push(
              `${formatPath([...at, "repeat"])}: "forever" never ends inside a task (use a count, or a background thread with run.until)`,
            );
          } else if (s.run.until === undefined) {
            problems.push(`${formatPath([...at, "repeat"])}: "forever" never ends without run.until`);
          }
        }
        walk(step.steps, [...at, "steps"], inTask, offloaded);
      }
    });
  };
  s.workload.classes.forEach((c, i) => {
    walk(c.steps, ["workload", "classes", i, "steps"], true, false);
  });
  s.background.forEach((b, i) => {
    walk(b.steps, ["background", i, "steps"], false, false);
  });
  if (s.run.until !== undefined && s.run.warmup >= s.run.until) {
    problems.push(
      `run.warmup: ${formatDuration(s.run.warmup)} is invalid (expected less than run.until, ${formatDuration(s.run.until)})`,
    );
  }
  return problems;
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
      migrationCost: s.machine.migrationCost,
      idleWake: s.machine.idleWake,
    },
    runtime,
    executor,
    workload: {
      arrivals: s.workload.arrivals,
      concurrency: s.workload.concurrency ?? null,
      classes: s.workload.classes,
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
