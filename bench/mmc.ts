/**
 * M/M/c benchmark: the engine through its public API, against the lean reference loop
 * (bench/lean-mmc.ts: typed arrays, one heap, xoshiro128** inlined, no classes) and against
 * SIM.JS 2.0.3 from npm (bench/simjs-mmc.ts), all doing the same work.
 *
 * Each side simulates the same queue (c = 4 servers at utilization 0.8, exponential arrivals and
 * services, 1,000,000 customers, FIFO waiting line) with the same random streams and the same
 * tie-breaking (time, then scheduling order), so they compute the same mean wait to the last bit;
 * the benchmark checks that before timing. The lean loop has no handler table, no cancellation
 * and no validation: it is the practical limit, and engine/lean says how close the engine comes.
 */
import { exponential, type Nanos, Simulation } from "../src/engine/index.js";
import { mmcMeanWait } from "../src/queueing/erlang-c.js";
import { leanMmc } from "./lean-mmc.js";
import { alternate } from "./measure.js";
import { simjsMmc } from "./simjs-mmc.js";
import type { Bench } from "./types.js";

export interface MmcParams {
  servers: number;
  utilization: number;
  customers: number;
  /** Mean service time in ns. */
  meanService: Nanos;
  seed: number;
}

export interface MmcOutcome {
  /** Mean wait in line over all customers, in ns. */
  meanWait: number;
  /** Events handled (arrivals plus departures). */
  events: number;
}

export const MMC_DEFAULTS: MmcParams = {
  servers: 4,
  utilization: 0.8,
  customers: 1_000_000,
  meanService: 1_000_000,
  seed: 2024,
};

/** A growable FIFO ring of arrival times (a power-of-two size), the waiting line of the engine and SIM.JS sides. */
export class TimeLine {
  private items = new Float64Array(1024);
  private mask = 1023;
  private head = 0;
  size = 0;

  push(t: number): void {
    if (this.size === this.items.length) {
      const bigger = new Float64Array(this.items.length * 2);
      for (let i = 0; i < this.size; i++) bigger[i] = this.items[(this.head + i) & this.mask] as number;
      this.items = bigger;
      this.mask = bigger.length - 1;
      this.head = 0;
    }
    this.items[(this.head + this.size) & this.mask] = t;
    this.size++;
  }

  shift(): number {
    const t = this.items[this.head] as number;
    this.head = (this.head + 1) & this.mask;
    this.size--;
    return t;
  }
}

/** The M/M/c queue built with the public engine API. */
export function engineMmc(p: MmcParams): MmcOutcome {
  const sim = new Simulation({ seed: p.seed });
  const arrivalRng = sim.random("arrivals");
  const serviceRng = sim.random("service");
  const interarrival = exponential(p.meanService / (p.servers * p.utilization));
  const service = exponential(p.meanService);
  const line = new TimeLine();
  let busy = 0;
  let arrived = 0;
  let totalWait = 0;
  const departure = sim.register(() => {
    if (line.size > 0) {
      totalWait += sim.now - line.shift();
      sim.schedule(Math.round(service.sample(serviceRng)), departure);
    } else {
      busy--;
    }
  });
  const arrival = sim.register(() => {
    arrived++;
    if (busy < p.servers) {
      busy++;
      sim.schedule(Math.round(service.sample(serviceRng)), departure);
    } else {
      line.push(sim.now);
    }
    if (arrived < p.customers) sim.schedule(Math.round(interarrival.sample(arrivalRng)), arrival);
  });
  sim.schedule(Math.round(interarrival.sample(arrivalRng)), arrival);
  sim.run();
  return { meanWait: totalWait / p.customers, events: sim.eventsProcessed };
}

const ROUNDS = 5;

export const mmcBench: Bench = {
  name: "mmc",
  description: "M/M/4 at utilization 0.8, 1,000,000 customers: engine vs the lean reference loop vs SIM.JS 2.0.3",
  async run(progress) {
    const p = MMC_DEFAULTS;
    const engine = engineMmc(p);
    for (const [name, other] of [
      ["lean loop", leanMmc(p)],
      ["SIM.JS", simjsMmc(p)],
    ] as const) {
      if (engine.meanWait !== other.meanWait || engine.events !== other.events) {
        throw new Error(
          `mmc: the engine and the ${name} disagree (mean wait ${engine.meanWait} vs ${other.meanWait} ns, ` +
            `events ${engine.events} vs ${other.events}): they are not doing the same work`,
        );
      }
    }
    const [engineSeconds, leanSeconds, simjsSeconds] = alternate(
      [
        { name: "engine", run: () => engineMmc(p) },
        { name: "lean loop", run: () => leanMmc(p) },
        { name: "SIM.JS", run: () => simjsMmc(p) },
      ],
      ROUNDS,
      progress,
    ) as [number, number, number];
    const engineRate = p.customers / engineSeconds;
    const leanRate = p.customers / leanSeconds;
    const simjsRate = p.customers / simjsSeconds;
    return [
      { metric: "engine", value: engineRate, unit: "customers/s" },
      { metric: "lean loop", value: leanRate, unit: "customers/s" },
      { metric: "SIM.JS 2.0.3", value: simjsRate, unit: "customers/s" },
      { metric: "engine events", value: engine.events / engineSeconds, unit: "events/s" },
      { metric: "ratio engine/lean loop", value: engineRate / leanRate, unit: "x", atLeast: 0.7 },
      { metric: "ratio engine/SIM.JS", value: engineRate / simjsRate, unit: "x", atLeast: 7 },
      // A sanity figure, not a target: about 1 +- 0.014 (one standard error) at 1M customers.
      {
        metric: "mean wait / Erlang C",
        value: engine.meanWait / mmcMeanWait((p.servers * p.utilization) / p.meanService, 1 / p.meanService, p.servers),
        unit: "x",
      },
    ];
  },
};
