/**
 * M/M/c benchmark: the engine against a hand-written loop doing the same work.
 *
 * Both sides simulate the same queue (c = 4 servers at utilization 0.8, exponential arrivals and
 * services, 1,000,000 customers, FIFO waiting line) with the same random streams and the same
 * tie-breaking (time, then scheduling order), so they compute the same mean wait to the last bit;
 * the benchmark checks that before timing. The hand loop has no handler table, no cancellation
 * and no validation: it is the practical limit, and the ratio engine/hand says how close the
 * engine comes to it.
 */
import { exponential, type Nanos, Random, Simulation } from "../src/engine/index.js";
import { mmcMeanWait } from "../src/queueing/erlang-c.js";
import { alternate } from "./measure.js";
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

/** A growable FIFO ring of arrival times, used by both sides. */
class TimeLine {
  private items = new Float64Array(1024);
  private head = 0;
  size = 0;

  push(t: number): void {
    if (this.size === this.items.length) {
      const bigger = new Float64Array(this.items.length * 2);
      for (let i = 0; i < this.size; i++) bigger[i] = this.items[(this.head + i) % this.items.length] as number;
      this.items = bigger;
      this.head = 0;
    }
    this.items[(this.head + this.size) % this.items.length] = t;
    this.size++;
  }

  shift(): number {
    const t = this.items[this.head] as number;
    this.head = (this.head + 1) % this.items.length;
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

const ARRIVAL = 0;
const DEPARTURE = 1;

/** The same queue as a hand-written loop over a typed-array heap keyed by (time, order). */
export function handMmc(p: MmcParams): MmcOutcome {
  const arrivalRng = new Random(p.seed, "arrivals");
  const serviceRng = new Random(p.seed, "service");
  const interarrival = exponential(p.meanService / (p.servers * p.utilization));
  const service = exponential(p.meanService);
  const line = new TimeLine();
  // The heap keeps its keys in heap order: no indirection on compare.
  let capacity = 16;
  let times = new Float64Array(capacity);
  let orders = new Float64Array(capacity);
  let kinds = new Uint8Array(capacity);
  let n = 0;
  let order = 0;
  const push = (time: number, kind: number): void => {
    if (n === capacity) {
      capacity *= 2;
      const t = new Float64Array(capacity);
      t.set(times);
      times = t;
      const o = new Float64Array(capacity);
      o.set(orders);
      orders = o;
      const k = new Uint8Array(capacity);
      k.set(kinds);
      kinds = k;
    }
    const seq = order++;
    let i = n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent] as number;
      if (pt < time || (pt === time && (orders[parent] as number) < seq)) break;
      times[i] = pt;
      orders[i] = orders[parent] as number;
      kinds[i] = kinds[parent] as number;
      i = parent;
    }
    times[i] = time;
    orders[i] = seq;
    kinds[i] = kind;
  };
  let now = 0;
  let busy = 0;
  let arrived = 0;
  let totalWait = 0;
  let events = 0;
  push(Math.round(interarrival.sample(arrivalRng)), ARRIVAL);
  while (n > 0) {
    // Pop the root, then sift the last entry down from the top.
    now = times[0] as number;
    const kind = kinds[0] as number;
    n--;
    if (n > 0) {
      const lt = times[n] as number;
      const lo = orders[n] as number;
      const lk = kinds[n] as number;
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        let ct = times[child] as number;
        let co = orders[child] as number;
        const right = child + 1;
        if (right < n) {
          const rt = times[right] as number;
          const ro = orders[right] as number;
          if (rt < ct || (rt === ct && ro < co)) {
            child = right;
            ct = rt;
            co = ro;
          }
        }
        if (lt < ct || (lt === ct && lo < co)) break;
        times[i] = ct;
        orders[i] = co;
        kinds[i] = kinds[child] as number;
        i = child;
      }
      times[i] = lt;
      orders[i] = lo;
      kinds[i] = lk;
    }
    events++;
    if (kind === ARRIVAL) {
      arrived++;
      if (busy < p.servers) {
        busy++;
        push(now + Math.round(service.sample(serviceRng)), DEPARTURE);
      } else {
        line.push(now);
      }
      if (arrived < p.customers) push(now + Math.round(interarrival.sample(arrivalRng)), ARRIVAL);
    } else if (line.size > 0) {
      totalWait += now - line.shift();
      push(now + Math.round(service.sample(serviceRng)), DEPARTURE);
    } else {
      busy--;
    }
  }
  return { meanWait: totalWait / p.customers, events };
}

const ROUNDS = 5;

export const mmcBench: Bench = {
  name: "mmc",
  description: "M/M/4 at utilization 0.8, 1,000,000 customers: engine vs hand-written loop",
  async run(progress) {
    const p = MMC_DEFAULTS;
    const engine = engineMmc(p);
    const hand = handMmc(p);
    if (engine.meanWait !== hand.meanWait || engine.events !== hand.events) {
      throw new Error(
        `mmc: the engine and the hand loop disagree (mean wait ${engine.meanWait} vs ${hand.meanWait} ns, ` +
          `events ${engine.events} vs ${hand.events}): they are not doing the same work`,
      );
    }
    const [engineSeconds, handSeconds] = alternate(
      [
        { name: "engine", run: () => engineMmc(p) },
        { name: "hand loop", run: () => handMmc(p) },
      ],
      ROUNDS,
      progress,
    ) as [number, number];
    const engineRate = p.customers / engineSeconds;
    const handRate = p.customers / handSeconds;
    return [
      { metric: "engine", value: engineRate, unit: "customers/s" },
      { metric: "hand loop", value: handRate, unit: "customers/s" },
      { metric: "engine events", value: engine.events / engineSeconds, unit: "events/s" },
      { metric: "ratio engine/hand", value: engineRate / handRate, unit: "x", atLeast: 0.5 },
      // A sanity figure, not a target: about 1 +- 0.014 (one standard error) at 1M customers.
      {
        metric: "mean wait / Erlang C",
        value: engine.meanWait / mmcMeanWait((p.servers * p.utilization) / p.meanService, 1 / p.meanService, p.servers),
        unit: "x",
      },
    ];
  },
};
