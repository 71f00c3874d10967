/**
 * The M/M/c queue of bench/mmc.ts written with SIM.JS 2.0.3 (the `simjs` package on npm): an
 * Entity whose timers' callbacks are the arrival and departure handlers. It draws from the same
 * random streams as the engine side and SIM.JS breaks ties by insertion order too, so it computes
 * the same mean wait: the bench checks that before timing.
 */
import { createRequire } from "node:module";
import type simjsTypes from "simjs";
import { exponential, Random } from "../src/engine/index.js";
import { type MmcOutcome, type MmcParams, TimeLine } from "./mmc.js";

/**
 * SIM.JS 2.0.3's npm build is a browserify bundle that exports nothing to Node: it hands its API
 * to `window.Sim`. So it is loaded once with a `window` to write to, removed afterwards.
 */
function loadSimjs(): typeof simjsTypes {
  const global = globalThis as { window?: { Sim?: typeof simjsTypes } };
  global.window = {};
  try {
    createRequire(import.meta.url)("simjs");
    const api = global.window.Sim;
    if (!api) throw new Error("simjs did not define window.Sim");
    return api;
  } finally {
    delete global.window;
  }
}

const simjs = loadSimjs();

export function simjsMmc(p: MmcParams): MmcOutcome {
  const sim = new simjs.Sim();
  const arrivalRng = new Random(p.seed, "arrivals");
  const serviceRng = new Random(p.seed, "service");
  const interarrival = exponential(p.meanService / (p.servers * p.utilization));
  const service = exponential(p.meanService);
  const line = new TimeLine();
  let busy = 0;
  let arrived = 0;
  let totalWait = 0;
  let events = 0;

  class Station extends simjs.Entity {
    start(): void {
      this.setTimer(Math.round(interarrival.sample(arrivalRng))).done(this.arrival);
    }
    arrival(): void {
      events++;
      arrived++;
      if (busy < p.servers) {
        busy++;
        this.setTimer(Math.round(service.sample(serviceRng))).done(this.departure);
      } else {
        line.push(this.time());
      }
      if (arrived < p.customers) this.setTimer(Math.round(interarrival.sample(arrivalRng))).done(this.arrival);
    }
    departure(): void {
      events++;
      if (line.size > 0) {
        totalWait += this.time() - line.shift();
        this.setTimer(Math.round(service.sample(serviceRng))).done(this.departure);
      } else {
        busy--;
      }
    }
  }

  sim.addEntity(Station);
  sim.simulate(Number.POSITIVE_INFINITY);
  return { meanWait: totalWait / p.customers, events };
}
