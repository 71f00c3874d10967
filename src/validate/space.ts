import { Random } from "../engine/random.js";
import { formatDuration, type Nanos, SECOND, US } from "../engine/time.js";
import type { PythonVersion } from "../model/profiles.js";
import { parseScenario } from "../scenario/scenario.js";
import type { ScenarioInput } from "../scenario/schema.js";
import { type CapacityEstimate, estimateCapacity } from "./capacity.js";

/*
 * The space the random validation scenarios are drawn from (docs/validation.md describes it for
 * users; `gilsim validate --help` summarises it). Scenario i of seed S is drawn from its own random
 * stream ("random-scenario:i" of seed S), so the first 10 of 40 are the first 10 of 10, and nothing
 * here depends on the machine, the Python versions installed or the model: change anything that
 * changes what a seed draws and GENERATOR_VERSION must go up (recordings name the version they
 * were drawn with, and a test redraws each one).
 */

export const GENERATOR_VERSION = 2;

/** The Python versions drawn from, uniformly; a version missing on the machine is skipped, never remapped. */
export const RANDOM_VERSIONS = ["3.9", "3.10", "3.11", "3.12", "3.13"] as const satisfies readonly PythonVersion[];
export type RandomVersion = (typeof RANDOM_VERSIONS)[number];

/** Executor families with their weights. asyncio families also draw a concurrency limit (CONCURRENCY). */
export const FAMILIES = [
  { family: "sync", weight: 1 },
  { family: "threads", weight: 3, workers: [1, 2, 4, 8, 16, 32] },
  { family: "processes", weight: 2, workers: [1, 2, 3, 4] },
  { family: "asyncio", weight: 2 },
  { family: "asyncio+threads", weight: 3, workers: [1, 2, 4, 8] },
  { family: "asyncio+processes", weight: 1, workers: [1, 2] },
] as const;
export type Family = (typeof FAMILIES)[number]["family"];

/** asyncio families: the chance of an asyncio.Semaphore limit, and the limits drawn from. */
export const CONCURRENCY = { chance: 0.35, limits: [2, 4, 8, 16, 32] } as const;
/** Process pools: start methods with weights (fork is the Linux default up to 3.13). */
export const START_METHODS = [
  ["fork", 8],
  ["forkserver", 1],
  ["spawn", 1],
] as const;
/** Bytes pickled each way per process-pool call, with weights. */
export const PAYLOADS = [
  [256, 2],
  [4096, 2],
  [65536, 2],
  [262144, 1],
  [1048576, 1],
] as const;
export const ARRIVALS = [
  ["poisson", 45],
  ["fixed", 20],
  ["batch", 15],
  ["closed", 20],
] as const;
/** sys.setswitchinterval, with weights; 5 ms is CPython's default. */
export const SWITCH_INTERVALS = [
  ["5ms", 12],
  ["1ms", 3],
  ["2ms", 2],
  ["10ms", 2],
  ["0.5ms", 1],
] as const;
/** Open and closed arrivals: the offered load, as a share of the estimated capacity (capacity.ts). */
export const UTILIZATION = [0.1, 0.9] as const;
/** Tasks per scenario, and the target length of one real run's work, in seconds (uniform). */
export const TASKS = [200, 400] as const;
export const SECONDS = [0.6, 2.4] as const;
/** Closed populations: clients drawn from these (raised when too few to offer the load). */
export const CLIENTS = [1, 2, 4, 8, 16, 32] as const;

/**
 * Step kinds with weights, per place. Base lengths are in abstract units (log-uniform in the
 * range); the whole scenario is then scaled so that one run takes its target time, and each step
 * kept at or above MIN_NS.
 */
const STEP_KINDS = {
  blocking: [
    ["python", 4],
    ["release", 2],
    ["hold", 1.5],
    ["io", 3],
    ["block", 1],
  ],
  asyncio: [
    ["python", 4],
    ["release", 1.5],
    ["hold", 1.5],
    ["io", 4],
    ["block", 1],
  ],
  offloaded: [
    ["python", 3],
    ["release", 3],
    ["hold", 1],
    ["io", 2],
  ],
} as const;
type StepKind = "python" | "release" | "hold" | "io" | "block";
const BASE: Record<StepKind, [number, number]> = {
  python: [0.1, 4],
  release: [0.2, 4],
  hold: [0.05, 2],
  io: [0.5, 20],
  block: [0.2, 5],
};
/** Shortest step after scaling: shorter ones measure the harness more than the mechanism. */
export const MIN_NS: Record<StepKind, Nanos> = {
  python: 20 * US,
  release: 50 * US,
  hold: 20 * US,
  io: 200 * US,
  block: 200 * US,
};
const DISTS = [
  ["constant", 35],
  ["exponential", 25],
  ["uniform", 20],
  ["lognormal", 20],
] as const;
type DistKind = (typeof DISTS)[number][0];

/** A step before scaling. */
type Shape =
  | { kind: StepKind; base: number; dist: DistKind }
  | { kind: "offload"; steps: { kind: StepKind; base: number; dist: DistKind }[] };

/** One drawn scenario and what it was drawn to be. */
export interface RandomScenario {
  /** "s1-007": seed 1, the 7th scenario. */
  id: string;
  seed: number;
  index: number;
  generator: number;
  version: RandomVersion;
  family: Family;
  /** asyncio with an asyncio.Semaphore limit. */
  limited: boolean;
  arrivals: "poisson" | "fixed" | "batch" | "closed";
  /** Offered load as a share of the estimated capacity (null for a batch: all at once). */
  utilization: number | null;
  capacity: CapacityEstimate;
  /** Estimated wall time of one real run, harness start-up included, in seconds. */
  seconds: number;
  input: ScenarioInput;
}

/** Harness start-up and calibration before a run's first task, in seconds (estimate). */
export const HARNESS_SECONDS = 0.4;
const START_SECONDS = { fork: 0.01, forkserver: 0.08, spawn: 0.15 } as const;

function pick<T>(rng: Random, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((a, [, w]) => a + w, 0);
  let x = rng.next() * total;
  for (const [item, w] of items) {
    x -= w;
    if (x < 0) return item;
  }
  return (items[items.length - 1] as readonly [T, number])[0];
}

const oneOf = <T>(rng: Random, items: readonly T[]): T => items[rng.int(items.length)] as T;
const between = (rng: Random, [lo, hi]: readonly [number, number]): number => lo + (hi - lo) * rng.next();
const logBetween = (rng: Random, [lo, hi]: readonly [number, number]): number =>
  Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * rng.next());

function drawStep(rng: Random, kinds: readonly (readonly [StepKind, number])[]): Shape {
  const kind = pick(rng, kinds);
  const wait = kind === "io" || kind === "block";
  const dist = pick(rng, wait ? DISTS : DISTS.filter(([d]) => d !== "exponential"));
  return { kind, base: logBetween(rng, BASE[kind]), dist };
}

function drawClass(rng: Random, family: Family, needOffload: boolean): Shape[] {
  const offloads = family === "asyncio+threads" || family === "asyncio+processes";
  const kinds = family.startsWith("asyncio") ? STEP_KINDS.asyncio : STEP_KINDS.blocking;
  const n = 1 + rng.int(4);
  const steps: Shape[] = [];
  for (let i = 0; i < n; i++) {
    if (offloads && rng.next() < 0.3) steps.push(drawOffload(rng));
    else steps.push(drawStep(rng, kinds));
  }
  if (needOffload && !steps.some((s) => s.kind === "offload")) steps.splice(rng.int(n + 1), 0, drawOffload(rng));
  return steps;
}

function drawOffload(rng: Random): Shape {
  const n = 1 + rng.int(2);
  const steps = Array.from({ length: n }, () => drawStep(rng, STEP_KINDS.offloaded));
  return { kind: "offload", steps: steps as { kind: StepKind; base: number; dist: DistKind }[] };
}

/** A duration of `ns` in the given distribution's form, rounded to 3 significant digits. */
function durationInput(ns: number, dist: DistKind): unknown {
  const d = (x: number) => formatDuration(Number(x.toPrecision(3)));
  switch (dist) {
    case "constant":
      return d(ns);
    case "exponential":
      return { dist: "exponential", mean: d(ns) };
    case "uniform":
      return { dist: "uniform", min: d(ns / 2), max: d((ns * 3) / 2) };
    case "lognormal":
      return { dist: "lognormal", median: d(ns * 0.8), p99: d(ns * 2.4) };
  }
}

function stepInput(s: Shape, unitNs: number): unknown {
  if (s.kind === "offload") return { offload: s.steps.map((x) => stepInput(x, unitNs)) };
  const ns = Math.max(MIN_NS[s.kind], s.base * unitNs);
  const value = durationInput(ns, s.dist);
  if (s.kind === "io") return { io: value };
  if (s.kind === "block") return { block: value };
  return s.kind === "python" ? { cpu: value } : { cpu: value, gil: s.kind };
}

/** The id of scenario `index` (from 0) of `seed`: "s1-007" for the 7th of seed 1. */
export function scenarioId(seed: number, index: number): string {
  return `s${seed}-${String(index + 1).padStart(3, "0")}`;
}

/** Draws scenario `index` (from 0) of `seed`. */
export function drawScenario(seed: number, index: number): RandomScenario {
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new RangeError(`invalid seed: ${seed} (expected a non-negative integer)`);
  if (!Number.isSafeInteger(index) || index < 0)
    throw new RangeError(`invalid index: ${index} (expected a non-negative integer)`);
  const rng = new Random(seed, `random-scenario:${index}`);
  const id = scenarioId(seed, index);
  const version = oneOf(rng, RANDOM_VERSIONS);
  const f = pick(
    rng,
    FAMILIES.map((x) => [x, x.weight] as const),
  );
  const family = f.family;
  const workers = "workers" in f ? oneOf<number>(rng, f.workers) : 0;
  const limited = family.startsWith("asyncio") && rng.next() < CONCURRENCY.chance;
  const concurrency = limited ? oneOf<number>(rng, CONCURRENCY.limits) : undefined;
  const startMethod = family.endsWith("processes") ? pick(rng, START_METHODS) : "fork";
  const arrivals = pick(rng, ARRIVALS);
  const utilization = arrivals === "batch" ? null : between(rng, UTILIZATION);
  const count = TASKS[0] + rng.int(TASKS[1] - TASKS[0] + 1);
  const target = between(rng, SECONDS);
  const switchInterval = pick(rng, SWITCH_INTERVALS);
  const nClasses = rng.next() < 0.3 ? 2 : 1;
  const classes = Array.from({ length: nClasses }, (_, i) => ({
    weight: nClasses === 1 ? 1 : 1 + rng.int(4),
    payload: family.endsWith("processes") ? pick(rng, PAYLOADS) : null,
    steps: drawClass(rng, family, i === 0 && (family === "asyncio+threads" || family === "asyncio+processes")),
  }));
  const clients = oneOf(rng, CLIENTS);
  const thinkDist = rng.next() < 0.5 ? "constant" : "exponential";
  const seedOfTasks = rng.nextUint32() % 1_000_000;

  const pool = (kind: "threads" | "processes") =>
    kind === "threads" ? { kind, workers } : { kind, workers, ...(startMethod === "fork" ? {} : { startMethod }) };
  const executor =
    family === "sync"
      ? { kind: "sync" as const }
      : family === "threads" || family === "processes"
        ? pool(family)
        : {
            kind: "asyncio" as const,
            offload:
              family === "asyncio" ? ("none" as const) : pool(family === "asyncio+threads" ? "threads" : "processes"),
          };
  const build = (unitNs: number, arrivalsInput: unknown): ScenarioInput =>
    ({
      name: id,
      seed: seedOfTasks,
      machine: { cores: 2 },
      runtime: { python: version, ...(switchInterval === "5ms" ? {} : { switchInterval }) },
      executor,
      workload: {
        arrivals: arrivalsInput,
        ...(concurrency === undefined ? {} : { concurrency }),
        classes: classes.map((c, i) => ({
          name: nClasses === 1 ? "task" : `class${i + 1}`,
          ...(nClasses === 1 ? {} : { weight: c.weight }),
          ...(c.payload === null ? {} : { payload: c.payload }),
          steps: c.steps.map((s) => stepInput(s, unitNs)),
        })),
      },
    }) as ScenarioInput;
  const capacityAt = (unitNs: number): CapacityEstimate =>
    estimateCapacity(parseScenario(build(unitNs, { kind: "batch", count }), id));

  // Scale the steps so that the offered throughput puts `count` tasks through in `target` seconds,
  // and so that one task takes at most half of that (IO-bound asyncio has a capacity that hardly
  // depends on the steps' lengths: its tasks would otherwise be scaled to seconds of IO each).
  const throughput = count / target;
  const share = utilization ?? 1;
  let lo = Math.log(US);
  let hi = Math.log(SECOND);
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    const c = capacityAt(Math.exp(mid));
    if (share * c.perSecond > throughput && c.latency < (target / 2) * SECOND) lo = mid;
    else hi = mid;
  }
  const unitNs = Math.exp((lo + hi) / 2);
  const capacity = capacityAt(unitNs);
  const offered = share * capacity.perSecond;
  const rate = `${Number(offered.toPrecision(3))}/s`;
  let arrivalsInput: unknown;
  let who = `${count} ${arrivals} arrivals`;
  if (arrivals === "batch") arrivalsInput = { kind: "batch", count };
  else if (arrivals === "closed") {
    const latencyS = capacity.latency / SECOND;
    const k = Math.min(64, Math.max(clients, Math.ceil(offered * latencyS * 1.25)));
    const thinkNs = Math.max(0, (k / offered - latencyS) * SECOND);
    const think = thinkNs < US ? 0 : durationInput(thinkNs, thinkDist);
    arrivalsInput = { kind: "closed", clients: k, think, count };
    who = `${count} tasks from ${k} closed-loop client${k === 1 ? "" : "s"}`;
  } else arrivalsInput = { kind: arrivals, rate, count };
  const input = build(unitNs, arrivalsInput);
  const final = estimateCapacity(parseScenario(input, id));
  const start = family.endsWith("processes") ? workers * START_SECONDS[startMethod] : 0;
  const seconds = HARNESS_SECONDS + start + count / offered + final.latency / SECOND;
  const cap = `${Number(final.perSecond.toPrecision(3))} tasks/s (bound: ${final.bottleneck})`;
  const load =
    utilization === null
      ? `a batch of ${count} tasks; estimated capacity ${cap}`
      : `${who} at ${Math.round(utilization * 100)}% of an estimated capacity of ${cap}`;
  const describe = `${family}${workers ? ` x${workers}` : ""}${limited ? `, at most ${concurrency} at once` : ""}; ${load}; Python ${version}`;
  input.description = describe;
  return {
    id,
    seed,
    index,
    generator: GENERATOR_VERSION,
    version,
    family,
    limited,
    arrivals,
    utilization: utilization === null ? null : Math.round(utilization * 1000) / 1000,
    capacity: final,
    seconds,
    input,
  };
}

/** The first `n` scenarios of `seed`. */
export function drawScenarios(n: number, seed: number): RandomScenario[] {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`invalid n: ${n} (expected a positive integer)`);
  return Array.from({ length: n }, (_, i) => drawScenario(seed, i));
}
