import type { Distribution } from "../engine/distributions.js";
import type { Random } from "../engine/random.js";
import { Streams } from "../engine/random.js";
import { type Nanos, SECOND } from "../engine/time.js";
import { type DistSpec, makeDistribution } from "../scenario/distribution.js";
import type { Scenario } from "../scenario/scenario.js";
import type { GilMode, Step } from "../scenario/schema.js";

/** A step with its duration drawn: what one task really does. Repeats are unrolled. */
export type ConcreteStep =
  | { kind: "cpu"; ns: Nanos; gil: GilMode }
  | { kind: "io"; ns: Nanos }
  | { kind: "block"; ns: Nanos }
  | { kind: "offload"; steps: ConcreteStep[] };

/** One task with everything random about it already drawn. */
export interface PlannedTask {
  id: number;
  class: string;
  classIndex: number;
  /** Arrival time for batch and open arrivals; null for a closed population (it follows a completion). */
  arrival: Nanos | null;
  /** Closed population: think time before this task is issued. 0 otherwise. */
  think: Nanos;
  /** Bytes pickled each way when it runs in a worker process. */
  payload: number;
  steps: ConcreteStep[];
}

/** Caches one sampler per distribution spec object. */
export class Samplers {
  private readonly cache = new WeakMap<DistSpec, Distribution>();
  /** A sample in whole nanoseconds, at least 0. */
  draw(spec: DistSpec, rng: Random): Nanos {
    let d = this.cache.get(spec);
    if (!d) {
      d = makeDistribution(spec);
      this.cache.set(spec, d);
    }
    const x = Math.round(d.sample(rng));
    return Math.max(x, 0);
  }
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
      steps: this.concrete(cls.steps, rng),
    };
  }

  private pickClass(): number {
    if (this.cumulative.length === 1) return 0;
    const u = this.streams.get("classes").next();
    const i = this.cumulative.findIndex((c) => u < c);
    return i < 0 ? this.cumulative.length - 1 : i;
  }

  /** Draws concrete steps (repeats with a count are unrolled; "forever" is only for background threads). */
  concrete(steps: readonly Step[], rng: Random): ConcreteStep[] {
    const out: ConcreteStep[] = [];
    for (const step of steps) {
      switch (step.kind) {
        case "cpu":
          out.push({ kind: "cpu", ns: this.samplers.draw(step.duration, rng), gil: step.gil });
          break;
        case "io":
          out.push({ kind: "io", ns: this.samplers.draw(step.duration, rng) });
          break;
        case "block":
          out.push({ kind: "block", ns: this.samplers.draw(step.duration, rng) });
          break;
        case "offload":
          out.push({ kind: "offload", steps: this.concrete(step.steps, rng) });
          break;
        case "repeat": {
          if (step.times === "forever") throw new Error("a task cannot repeat forever");
          for (let i = 0; i < step.times; i++) out.push(...this.concrete(step.steps, rng));
          break;
        }
      }
    }
    return out;
  }
}

/** All the tasks of a scenario (for the real harness and for tests; the simulator draws lazily). */
export function planTasks(scenario: Scenario, seed = scenario.seed): PlannedTask[] {
  const planner = new TaskPlanner(scenario, seed);
  const out: PlannedTask[] = [];
  for (let t = planner.next(); t; t = planner.next()) out.push(t);
  return out;
}
