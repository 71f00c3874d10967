import type { Distribution } from "../engine/distributions.js";
import type { Random } from "../engine/random.js";
import { Streams } from "../engine/random.js";
import { type Nanos, SECOND } from "../engine/time.js";
import { type DistSpec, makeDistribution } from "../scenario/distribution.js";
import type { Scenario } from "../scenario/scenario.js";
import type { GilMode, Step } from "../scenario/schema.js";

/** A socket step's `ns` is the peer's CPU for the exchange. */
type Leaf =
  | { kind: "cpu"; ns: Nanos; gil: GilMode }
  | { kind: "io"; ns: Nanos }
  | { kind: "block"; ns: Nanos }
  | { kind: "socket"; ns: Nanos };

/**
 * A step with its duration drawn: what one task really does, one step at a time. A spawn (child
 * tasks of a coroutine) or a threads step (threads started and joined) holds each child's steps.
 */
export type FlatStep =
  | Leaf
  | { kind: "offload"; steps: ConcreteStep[] }
  | { kind: "spawn"; children: ConcreteStep[][] }
  | { kind: "threads"; children: ConcreteStep[][] };

/** A step with every repeat unrolled, inside offloads and children too: what the real harness runs. */
export type UnrolledStep =
  | Leaf
  | { kind: "offload"; steps: UnrolledStep[] }
  | { kind: "spawn"; children: UnrolledStep[][] }
  | { kind: "threads"; children: UnrolledStep[][] };

/**
 * A repeat too long to unroll (more than UNROLL_MAX steps): its steps, its count, and the random
 * stream as it stood when the repeat began. Its durations are drawn again from that copy while
 * the task runs (see flatSteps), the very numbers unrolling would have drawn, so a task of a
 * billion steps takes the memory of one iteration.
 */
export interface CompactRepeat {
  kind: "repeat";
  times: number;
  steps: readonly Step[];
  from: Random;
}

/** A planned step: a flat step, or a long repeat kept compact. */
export type ConcreteStep = FlatStep | CompactRepeat;

/** A repeat of at most this many steps (count times steps per iteration) is unrolled when planned. */
export const UNROLL_MAX = 1024;

/** One task with everything random about it already drawn. */
export interface PlannedTask<S extends ConcreteStep = ConcreteStep> {
  id: number;
  class: string;
  classIndex: number;
  /** Arrival time for batch and open arrivals; null for a closed population (it follows a completion). */
  arrival: Nanos | null;
  /** Closed population: think time before this task is issued. 0 otherwise. */
  think: Nanos;
  /** Bytes pickled each way when it runs in a worker process. */
  payload: number;
  steps: S[];
}

/** Caches one sampler per distribution spec object. */
export class Samplers {
  private readonly cache = new WeakMap<DistSpec, Distribution>();
  /** A sample in whole nanoseconds, at least 0. */
  draw(spec: DistSpec, rng: Random): Nanos {
    return sampleNanos(this.distribution(spec), rng);
  }

  /** The sampler of this spec, made on first use. */
  distribution(spec: DistSpec): Distribution {
    let d = this.cache.get(spec);
    if (!d) {
      d = makeDistribution(spec);
      this.cache.set(spec, d);
    }
    return d;
  }
}

/** A sample of `d` in whole nanoseconds, at least 0. */
export function sampleNanos(d: Distribution, rng: Random): Nanos {
  return Math.max(Math.round(d.sample(rng)), 0);
}

/**
 * Draws the tasks of a scenario one at a time, in arrival order. The simulator and the real
 * harness both run exactly these tasks. Streams: "arrivals" for inter-arrival times, "classes"
 * for the class mix, "steps:<i>" for the durations of class i, "think" for think times, so that
 * changing one class's steps never changes another class's durations or the arrival times.
 */
export class TaskPlanner {
  private readonly streams: Streams;
  private readonly samplers = new Samplers();
  private readonly cumulative: number[];
  private issued = 0;
  private clock = 0;

  constructor(
    private readonly scenario: Scenario,
    seed = scenario.seed,
  ) {
    this.streams = new Streams(seed);
    const classes = scenario.workload.classes;
    const total = classes.reduce((a, c) => a + c.weight, 0);
    let acc = 0;
    this.cumulative = classes.map((c) => {
      acc += c.weight / total;
      return acc;
    });
  }

  get count(): number {
    return this.scenario.workload.arrivals.count;
  }

  /** The next task, or null when all have been drawn. */
  next(): PlannedTask | null {
    const arrivals = this.scenario.workload.arrivals;
    if (this.issued >= arrivals.count) return null;
    const id = this.issued++;
    let arrival: Nanos | null = 0;
    let think = 0;
    switch (arrivals.kind) {
      case "batch":
        arrival = 0;
        break;
      case "poisson": {
        const u = this.streams.get("arrivals").nextOpen();
        this.clock += Math.round((-Math.log(u) * SECOND) / arrivals.rate);
        arrival = this.clock;
        break;
      }
      case "fixed":
        arrival = Math.round((id * SECOND) / arrivals.rate);
        break;
      case "replay":
        // The recorded instant itself (no random numbers drawn: the other streams are unchanged).
        arrival = arrivals.times[id] as Nanos;
        break;
      case "closed":
        arrival = null;
        think = this.samplers.draw(arrivals.think, this.streams.get("think"));
        break;
    }
    const classIndex = this.pickClass();
    const cls = this.scenario.workload.classes[classIndex]!;
    const rng = this.streams.get(`steps:${classIndex}`);
    return {
      id,
      class: cls.name,
      classIndex,
      arrival,
      think,
      payload: cls.payload,
      steps: drawSteps(cls.steps, rng, this.samplers),
    };
  }

  private pickClass(): number {
    if (this.cumulative.length === 1) return 0;
    const u = this.streams.get("classes").next();
    const i = this.cumulative.findIndex((c) => u < c);
    return i < 0 ? this.cumulative.length - 1 : i;
  }
}

/** Whether drawing these steps takes numbers from the random stream (a constant draws none). */
function drawsRandom(steps: readonly Step[]): boolean {
  return steps.some((step) =>
    step.kind === "repeat" || step.kind === "offload" || step.kind === "spawn" || step.kind === "threads"
      ? drawsRandom(step.steps)
      : (step.kind === "socket" ? step.peer : step.duration).dist !== "constant",
  );
}

/** Steps one pass over `steps` takes, repeats multiplied out; stops counting past `limit`. */
function countTo(steps: readonly Step[], limit: number): number {
  let n = 0;
  for (const step of steps) {
    if (step.kind === "repeat") {
      const per = countTo(step.steps, limit);
      n += step.times === "forever" ? per : per * step.times;
    } else if (step.kind === "offload") n += 1 + countTo(step.steps, limit);
    else if (step.kind === "spawn" || step.kind === "threads") n += 1 + step.count * countTo(step.steps, limit);
    else n += 1;
    if (n > limit) return n;
  }
  return n;
}

/**
 * Draws concrete steps from `rng`, in order. A repeat of at most UNROLL_MAX steps is unrolled; a
 * longer one is kept compact with a copy of the stream, and the stream is moved on past the
 * numbers its iterations draw, so the steps after it get the same durations either way.
 * "forever" is only for background threads.
 */
export function drawSteps(steps: readonly Step[], rng: Random, samplers: Samplers): ConcreteStep[] {
  const out: ConcreteStep[] = [];
  for (const step of steps) {
    switch (step.kind) {
      case "cpu":
        out.push({ kind: "cpu", ns: samplers.draw(step.duration, rng), gil: step.gil });
        break;
      case "io":
        out.push({ kind: "io", ns: samplers.draw(step.duration, rng) });
        break;
      case "block":
        out.push({ kind: "block", ns: samplers.draw(step.duration, rng) });
        break;
      case "socket":
        out.push({ kind: "socket", ns: samplers.draw(step.peer, rng) });
        break;
      case "offload":
        out.push({ kind: "offload", steps: drawSteps(step.steps, rng, samplers) });
        break;
      case "spawn":
      case "threads": {
        // Children in order, each drawn in turn; children of constant steps share one plan.
        const children: ConcreteStep[][] = [];
        const shared = drawsRandom(step.steps) ? null : drawSteps(step.steps, rng, samplers);
        for (let i = 0; i < step.count; i++) children.push(shared ?? drawSteps(step.steps, rng, samplers));
        out.push(step.kind === "spawn" ? { kind: "spawn", children } : { kind: "threads", children });
        break;
      }
      case "repeat": {
        if (step.times === "forever") throw new Error("a task cannot repeat forever");
        if (countTo(step.steps, UNROLL_MAX) * step.times <= UNROLL_MAX) {
          for (let i = 0; i < step.times; i++) for (const s of drawSteps(step.steps, rng, samplers)) out.push(s);
          break;
        }
        out.push({ kind: "repeat", times: step.times, steps: step.steps, from: rng.clone() });
        if (drawsRandom(step.steps)) for (let i = 0; i < step.times; i++) drawSteps(step.steps, rng, samplers);
        break;
      }
    }
  }
  return out;
}

const replaySamplers = new Samplers();

/**
 * The flat steps of a planned list in order, compact repeats drawn again iteration by iteration
 * from their copy of the stream: the same steps, and the same durations, as unrolling them.
 */
export function* flatSteps(steps: readonly ConcreteStep[]): Generator<FlatStep, void, undefined> {
  for (const step of steps) {
    if (step.kind !== "repeat") {
      yield step;
      continue;
    }
    const rng = step.from.clone();
    for (let i = 0; i < step.times; i++) yield* flatSteps(drawSteps(step.steps, rng, replaySamplers));
  }
}

/** A planned list with every compact repeat unrolled (offloaded steps too): for the real harness and tests. */
export function unrolled(steps: readonly ConcreteStep[]): UnrolledStep[] {
  const out: UnrolledStep[] = [];
  for (const step of flatSteps(steps)) {
    if (step.kind === "offload") out.push({ kind: "offload", steps: unrolled(step.steps) });
    else if (step.kind === "spawn") out.push({ kind: "spawn", children: step.children.map((c) => unrolled(c)) });
    else if (step.kind === "threads") out.push({ kind: "threads", children: step.children.map((c) => unrolled(c)) });
    else out.push(step);
  }
  return out;
}

/**
 * All the tasks of a scenario with every step unrolled (for the real harness and for tests; the
 * simulator draws lazily and keeps long repeats compact).
 */
export function planTasks(scenario: Scenario, seed = scenario.seed): PlannedTask<UnrolledStep>[] {
  const planner = new TaskPlanner(scenario, seed);
  const out: PlannedTask<UnrolledStep>[] = [];
  for (let t = planner.next(); t; t = planner.next()) {
    out.push(t.steps.some(isCompact) ? { ...t, steps: unrolled(t.steps) } : (t as PlannedTask<UnrolledStep>));
  }
  return out;
}

function isCompact(step: ConcreteStep): boolean {
  return (
    step.kind === "repeat" ||
    (step.kind === "offload" && step.steps.some(isCompact)) ||
    ((step.kind === "spawn" || step.kind === "threads") && step.children.some((c) => c.some(isCompact)))
  );
}
