import type { Distribution } from "../engine/distributions.js";
import type { Random } from "../engine/random.js";
import type { Simulation } from "../engine/simulation.js";
import type { Nanos } from "../engine/time.js";
import type { DistSpec } from "../scenario/distribution.js";
import type { Scenario } from "../scenario/scenario.js";
import { Samplers, sampleNanos } from "./plan.js";
import type { RuntimeParams } from "./profiles.js";
import type { Recorder } from "./recorder.js";

/** What every part of the runtime model shares: the engine, the parameters, the recorder, the random streams. */
export class World {
  readonly params: RuntimeParams;
  private readonly samplers = new Samplers();
  /** CPU the model adds on top of the tasks' own work (loop steps, hand-offs, pickling...). */
  overheadCpu = 0;
  /** CPU the tasks and background threads asked for (after the free-threading slowdown). */
  demandCpu = 0;

  constructor(
    readonly sim: Simulation,
    readonly scenario: Scenario,
    readonly recorder: Recorder,
  ) {
    this.params = scenario.runtime;
  }

  get now(): Nanos {
    return this.sim.now;
  }

  rng(stream: string): Random {
    return this.sim.random(stream);
  }

  /** A draw in whole nanoseconds from a runtime cost distribution, on its own stream (a name, or the stream itself). */
  draw(spec: DistSpec, stream: string | Random): Nanos {
    if (typeof stream !== "string") return this.samplers.draw(spec, stream);
    let named = this.named.get(stream);
    if (named === undefined) {
      named = { rng: this.sim.random(stream), spec, distribution: this.samplers.distribution(spec) };
      this.named.set(stream, named);
    } else if (named.spec !== spec) {
      named.spec = spec;
      named.distribution = this.samplers.distribution(spec);
    }
    return sampleNanos(named.distribution, named.rng);
  }

  /**
   * Per stream name, the stream and the sampler of the spec last drawn on it (a name almost always
   * goes with one spec): a draw by name costs one lookup instead of two (the stream, the sampler).
   */
  private readonly named = new Map<string, { rng: Random; spec: DistSpec; distribution: Distribution }>();
}
