/**
 * The page's knobs, read from a parsed scenario and written back into the scenario's JSON.
 *
 * The JSON (a ScenarioInput, as a file holds it) is the page's state; a knob edits the one place
 * in it that it names and leaves everything else as written, so a pasted scenario keeps its
 * shape. The request knobs (CPU, GIL-releasing C code, a blocking call, IO) edit the first task
 * class: the first step of their kind, wherever it is (inside a repeat or an offload too); a
 * knob set to 0 removes its step, and a step that is missing is added.
 */
import { MS, type Nanos, US } from "../engine/time.js";
import type { PythonVersion } from "../model/profiles.js";
import { meanOf } from "../scenario/distribution.js";
import type { Scenario } from "../scenario/scenario.js";
import type { Step } from "../scenario/schema.js";

export const EXECUTOR_CHOICES = [
  "sync",
  "asyncio",
  "asyncio-threads",
  "asyncio-processes",
  "threads",
  "processes",
] as const;
/** How the tasks run: one thread, an event loop (with or without a pool to offload to), or a pool. */
export type ExecutorChoice = (typeof EXECUTOR_CHOICES)[number];

export const EXECUTOR_LABELS: Readonly<Record<ExecutorChoice, string>> = {
  sync: "one thread (sync)",
  asyncio: "asyncio",
  "asyncio-threads": "asyncio + thread pool",
  "asyncio-processes": "asyncio + process pool",
  threads: "thread pool",
  processes: "process pool",
};

/** The request knobs, in the order a new step is placed in a task. */
export const STEP_KNOBS = ["cpu", "release", "block", "io"] as const;
export type StepKnob = (typeof STEP_KNOBS)[number];

export const ARRIVAL_KINDS = ["batch", "poisson", "fixed", "closed"] as const;
export type ArrivalKind = (typeof ARRIVAL_KINDS)[number];

/** Where a request knob's step sits: how many times a repeat runs it, and whether it is offloaded. */
export interface StepPlace {
  repeat: number | null;
  offloaded: boolean;
}

export interface Knobs {
  executor: ExecutorChoice;
  /** Workers of the pool; event-loop processes for plain asyncio; null for one thread. */
  workers: number | null;
  python: PythonVersion;
  gil: boolean;
  switchInterval: Nanos;
  cores: number;
  /** Mean duration of each request knob's step in the first task class, 0 when it has none. */
  steps: Record<StepKnob, Nanos>;
  /** Where each request knob's step is, null when it has none. */
  places: Record<StepKnob, StepPlace | null>;
  /** How many task classes the workload has (the request knobs edit the first). */
  classes: number;
  firstClass: string;
  /** The arrivals kind; "replay" (recorded times, from gilsim fit) is shown but not offered as a choice. */
  arrivals: ArrivalKind | "replay";
  /** Tasks per second of poisson and fixed arrivals. */
  rate: number | null;
  /** Clients of closed arrivals. */
  clients: number | null;
  /** Tasks in the run (the batch size for batch arrivals). */
  count: number;
  seed: number;
}

export type KnobChange =
  | { knob: "executor"; value: ExecutorChoice }
  | { knob: "workers"; value: number }
  | { knob: "python"; value: PythonVersion }
  | { knob: "gil"; value: boolean }
  | { knob: "switchInterval"; value: Nanos }
  | { knob: "cores"; value: number }
  | { knob: StepKnob; value: Nanos }
  | { knob: "arrivals"; value: ArrivalKind }
  | { knob: "rate"; value: number }
  | { knob: "clients"; value: number }
  | { knob: "count"; value: number }
  | { knob: "seed"; value: number };

export type KnobName = KnobChange["knob"];

function executorChoice(s: Scenario): ExecutorChoice {
  const e = s.executor;
  if (e.kind !== "asyncio") return e.kind;
  if (e.offload === null) return "asyncio";
  return e.offload.kind === "threads" ? "asyncio-threads" : "asyncio-processes";
}

function workersOf(s: Scenario): number | null {
  const e = s.executor;
  if (e.kind === "sync") return null;
  if (e.kind === "asyncio") return e.offload === null ? e.loops : e.offload.workers;
  return e.workers;
}

function knobOf(step: Step): StepKnob | null {
  if (step.kind === "io") return "io";
  if (step.kind === "block") return "block";
  if (step.kind !== "cpu") return null;
  if (step.gil === "python") return "cpu";
  if (step.gil === "release") return "release";
  return null;
}

/** Reads every knob's value from a parsed scenario. */
export function readKnobs(s: Scenario): Knobs {
  const steps: Record<StepKnob, Nanos> = { cpu: 0, release: 0, block: 0, io: 0 };
  const places: Record<StepKnob, StepPlace | null> = { cpu: null, release: null, block: null, io: null };
  const walk = (list: readonly Step[], place: StepPlace): void => {
    for (const step of list) {
      const knob = knobOf(step);
      if (knob && places[knob] === null && (step.kind === "cpu" || step.kind === "io" || step.kind === "block")) {
        steps[knob] = Math.round(meanOf(step.duration));
        places[knob] = place;
      }
      if (step.kind === "offload") walk(step.steps, { ...place, offloaded: true });
      if (step.kind === "repeat") {
        const times = step.times === "forever" ? null : step.times;
        walk(step.steps, { ...place, repeat: times === null ? null : (place.repeat ?? 1) * times });
      }
    }
  };
  const first = s.workload.classes[0];
  if (first) walk(first.steps, { repeat: null, offloaded: false });
  const a = s.workload.arrivals;
  return {
    executor: executorChoice(s),
    workers: workersOf(s),
    python: s.runtime.python,
    gil: s.runtime.gil,
    switchInterval: s.runtime.switchInterval,
    cores: s.machine.cores,
    steps,
    places,
    classes: s.workload.classes.length,
    firstClass: first?.name ?? "task",
    arrivals: a.kind,
    rate: a.kind === "poisson" || a.kind === "fixed" ? a.rate : null,
    clients: a.kind === "closed" ? a.clients : null,
    count: a.count,
    seed: s.seed,
  };
}

/** A duration as a scenario file writes it: whole ms, whole us, or ns. */
export function durationText(ns: Nanos): string {
  const whole = Math.max(0, Math.round(ns));
  if (whole % MS === 0) return `${whole / MS}ms`;
  if (whole % US === 0) return `${whole / US}us`;
  return `${whole}ns`;
}

type Json = Record<string, unknown>;
type RawStep = Json;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function object(parent: Json, key: string): Json {
  const v = parent[key];
  if (isObject(v)) return v;
  const fresh: Json = {};
  parent[key] = fresh;
  return fresh;
}

function rawKnob(step: RawStep): StepKnob | null {
  if ("io" in step) return "io";
  if ("block" in step) return "block";
  if ("cpu" in step) {
    const gil = step.gil ?? "python";
    return gil === "python" ? "cpu" : gil === "release" ? "release" : null;
  }
  return null;
}

/** The steps a raw step contains (an offload's or a repeat's), or null. */
function inner(step: RawStep): RawStep[] | null {
  if (Array.isArray(step.offload)) return step.offload as RawStep[];
  if (Array.isArray(step.steps)) return step.steps as RawStep[];
  return null;
}

/** The path (lists and indices, outermost first) to the first step of `knob`, depth first. */
function findStep(list: RawStep[], knob: StepKnob): { list: RawStep[]; index: number }[] | null {
  for (let i = 0; i < list.length; i++) {
    const step = list[i] as RawStep;
    if (rawKnob(step) === knob) return [{ list, index: i }];
    const sub = inner(step);
    if (sub) {
      const found = findStep(sub, knob);
      if (found) return [{ list, index: i }, ...found];
    }
  }
  return null;
}

const FIELD: Readonly<Record<StepKnob, string>> = { cpu: "cpu", release: "cpu", block: "block", io: "io" };

function newStep(knob: StepKnob, ns: Nanos): RawStep {
  const text = durationText(ns);
  return knob === "release" ? { cpu: text, gil: "release" } : { [FIELD[knob]]: text };
}

/** Sets a duration as written: the mean of a distribution that has one, else a constant. */
function setDuration(step: RawStep, field: string, ns: Nanos): void {
  const current = step[field];
  if (isObject(current) && "mean" in current) current.mean = durationText(ns);
  else step[field] = durationText(ns);
}

function rank(step: RawStep): number {
  const knob = rawKnob(step);
  if (knob) return STEP_KNOBS.indexOf(knob);
  return "offload" in step ? 0 : -1;
}

/** Inserts `step` before the first step that a task runs after it (in STEP_KNOBS order). */
function insertInOrder(list: RawStep[], step: RawStep): void {
  const r = rank(step);
  const at = list.findIndex((s) => rank(s) > r);
  list.splice(at < 0 ? list.length : at, 0, step);
}

function offloads(choice: ExecutorChoice): boolean {
  return choice === "asyncio-threads" || choice === "asyncio-processes";
}

function setStep(input: Json, knob: StepKnob, ns: Nanos, choice: ExecutorChoice): void {
  const workload = object(input, "workload");
  const classes = workload.classes as Json[];
  const first = classes[0] as Json;
  const top = first.steps as RawStep[];
  const path = findStep(top, knob);
  if (path) {
    const { list, index } = path[path.length - 1] as { list: RawStep[]; index: number };
    const step = list[index] as RawStep;
    if (ns > 0) {
      setDuration(step, FIELD[knob], ns);
      return;
    }
    list.splice(index, 1);
    // Drop offloads and repeats left empty, innermost first; the task itself keeps one step.
    for (let k = path.length - 2; k >= 0; k--) {
      const { list: outer, index: at } = path[k] as { list: RawStep[]; index: number };
      const holder = outer[at] as RawStep;
      if ((inner(holder) ?? []).length > 0) break;
      outer.splice(at, 1);
    }
    if (top.length === 0) top.push(newStep(knob, 0));
    return;
  }
  if (ns <= 0) return;
  const step = newStep(knob, ns);
  if (knob !== "io" && offloads(choice)) {
    const pool = top.find((s) => Array.isArray(s.offload));
    if (pool) insertInOrder(pool.offload as RawStep[], step);
    else insertInOrder(top, { offload: [step] });
    return;
  }
  insertInOrder(top, step);
}

/** Steps with every offload replaced by the steps it offloads. */
function unwrap(list: RawStep[]): RawStep[] {
  return list.flatMap((step) => {
    if (Array.isArray(step.offload)) return unwrap(step.offload as RawStep[]);
    if (Array.isArray(step.steps)) return [{ ...step, steps: unwrap(step.steps as RawStep[]) }];
    return [step];
  });
}

function hasOffload(list: RawStep[]): boolean {
  return list.some((s) => Array.isArray(s.offload) || (Array.isArray(s.steps) && hasOffload(s.steps as RawStep[])));
}

/** Each run of steps between IO awaits, offloaded: the loop awaits IO and the pool runs the rest. */
function wrap(list: RawStep[]): RawStep[] {
  const out: RawStep[] = [];
  let run: RawStep[] = [];
  const flush = () => {
    if (run.length > 0) out.push({ offload: run });
    run = [];
  };
  for (const step of list) {
    if ("io" in step) {
      flush();
      out.push(step);
    } else if (Array.isArray(step.steps)) {
      flush();
      out.push({ ...step, steps: wrap(step.steps as RawStep[]) });
    } else run.push(step);
  }
  flush();
  return out;
}

function pool(kind: "threads" | "processes", workers: number | undefined, startMethod: unknown): Json {
  const p: Json = { kind };
  if (workers !== undefined) p.workers = workers;
  if (kind === "processes" && startMethod !== undefined) p.startMethod = startMethod;
  return p;
}

function setExecutor(input: Json, choice: ExecutorChoice, before: Knobs): void {
  const old = object(input, "executor");
  const oldPool = old.kind === "asyncio" ? (isObject(old.offload) ? old.offload : null) : old;
  const workers =
    before.executor === "sync" || before.executor === "asyncio" ? undefined : (before.workers ?? undefined);
  const startMethod = oldPool?.startMethod;
  let executor: Json;
  if (choice === "sync") executor = { kind: "sync" };
  else if (choice === "asyncio") {
    executor = { kind: "asyncio", offload: "none" };
    if (old.kind === "asyncio" && old.loops !== undefined) executor.loops = old.loops;
  } else if (offloads(choice)) {
    executor = {
      kind: "asyncio",
      offload: pool(choice === "asyncio-threads" ? "threads" : "processes", workers, startMethod),
    };
    if (old.kind === "asyncio" && old.loops !== undefined) executor.loops = old.loops;
  } else executor = pool(choice as "threads" | "processes", workers, startMethod);
  input.executor = executor;
  const classes = (object(input, "workload").classes ?? []) as Json[];
  for (const c of classes) {
    const steps = c.steps as RawStep[];
    if (!offloads(choice)) c.steps = unwrap(steps);
    else if (!hasOffload(steps)) c.steps = wrap(steps);
  }
}

function setWorkers(input: Json, n: number, choice: ExecutorChoice): void {
  const e = object(input, "executor");
  if (choice === "asyncio") e.loops = n;
  else if (offloads(choice)) object(e, "offload").workers = n;
  else if (choice !== "sync") e.workers = n;
}

function setArrivals(input: Json, kind: ArrivalKind, before: Knobs): void {
  const workload = object(input, "workload");
  const old = object(workload, "arrivals");
  const next: Json = { kind };
  if (kind === "poisson" || kind === "fixed") next.rate = old.rate ?? `${before.rate ?? 100}/s`;
  if (kind === "closed") {
    next.clients = old.clients ?? before.workers ?? 10;
    if (old.think !== undefined) next.think = old.think;
  }
  next.count = before.count;
  workload.arrivals = next;
}

/**
 * The scenario JSON with one knob changed (a fresh copy; `input` is left alone). `parsed` is
 * `input` parsed, which tells the knobs' current values.
 */
export function applyKnob(input: unknown, parsed: Scenario, change: KnobChange): unknown {
  const out = structuredClone(input) as Json;
  const before = readKnobs(parsed);
  switch (change.knob) {
    case "executor":
      setExecutor(out, change.value, before);
      break;
    case "workers":
      setWorkers(out, change.value, before.executor);
      break;
    case "python": {
      const runtime = object(out, "runtime");
      runtime.python = change.value;
      if (!change.value.endsWith("t") && runtime.gil === "off") delete runtime.gil;
      break;
    }
    case "gil":
      object(out, "runtime").gil = change.value ? "on" : "off";
      break;
    case "switchInterval":
      object(out, "runtime").switchInterval = durationText(change.value);
      break;
    case "cores":
      object(out, "machine").cores = change.value;
      break;
    case "arrivals":
      setArrivals(out, change.value, before);
      break;
    case "rate":
      object(object(out, "workload"), "arrivals").rate = `${change.value}/s`;
      break;
    case "clients":
      object(object(out, "workload"), "arrivals").clients = change.value;
      break;
    case "count": {
      const arrivals = object(object(out, "workload"), "arrivals");
      // Replayed arrivals have their times, not a count: fewer tasks keep the first times.
      if (arrivals.kind === "replay" && Array.isArray(arrivals.times))
        arrivals.times = arrivals.times.slice(0, change.value);
      else arrivals.count = change.value;
      break;
    }
    case "seed":
      out.seed = change.value;
      break;
    default:
      setStep(out, change.knob, change.value, before.executor);
  }
  return out;
}
