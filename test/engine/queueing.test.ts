/**
 * The engine against queueing theory: M/M/1, M/M/4 and M/D/1 queues built with the public
 * engine API only, compared with the closed forms in src/queueing.
 *
 * Seed 7 for every queue (not chosen to pass). Customer counts are set so that the 2% bound on
 * the mean wait is about 4 standard errors (estimated by batch means: at 1M customers the mean
 * wait's standard error is 0.5% for M/M/1 at rho 0.5, 0.5% for M/D/1 at rho 0.7 and 1.4% for
 * M/M/4 at rho 0.8, falling as 1/sqrt(customers)). The first 50,000 customers are a warm-up
 * and are not counted.
 */
import { describe, expect, it } from "vitest";
import { constant, type Distribution, exponential, type Nanos, Simulation } from "../../src/engine/index.js";
import { erlangC, mmcMeanWait, mmcWaitQuantile } from "../../src/queueing/erlang-c.js";
import { md1MeanWait } from "../../src/queueing/md1.js";
import { mm1MeanWait } from "../../src/queueing/mm1.js";

const SEED = 7;
const WARMUP = 50_000;
const MS = 1_000_000;

interface QueueRun {
  /** Mean wait in line over the counted customers, ns. */
  meanWait: number;
  /** Fraction of counted customers that waited at all. */
  waited: number;
  /** Fraction of counted customers that waited longer than `threshold`. */
  waitedLonger: number;
  /** Customers counted (after the warm-up). */
  counted: number;
}

/**
 * A FIFO G/G/c queue on the engine: arrivals on stream "arrivals", services on stream
 * "service", waits measured when service starts (in arrival order under FIFO).
 */
function simulateQueue(options: {
  servers: number;
  interarrival: Distribution;
  service: Distribution;
  customers: number;
  threshold?: Nanos;
}): QueueRun {
  const { servers, interarrival, service, customers } = options;
  const threshold = options.threshold ?? Number.POSITIVE_INFINITY;
  const sim = new Simulation({ seed: SEED });
  const arrivalRng = sim.random("arrivals");
  const serviceRng = sim.random("service");
  let line = new Float64Array(1 << 12); // FIFO ring of arrival times, length a power of two
  let head = 0;
  let queued = 0;
  let busy = 0;
  let arrived = 0;
  let started = 0;
  let totalWait = 0;
  let waited = 0;
  let waitedLonger = 0;

  const startService = (arrivedAt: Nanos): void => {
    const wait = sim.now - arrivedAt;
    if (started >= WARMUP) {
      totalWait += wait;
      if (wait > 0) waited++;
      if (wait > threshold) waitedLonger++;
    }
    started++;
    sim.schedule(Math.round(service.sample(serviceRng)), departure);
  };
  const departure = sim.register(() => {
    if (queued > 0) {
      const t = line[head] as number;
      head = (head + 1) & (line.length - 1);
      queued--;
      startService(t);
    } else {
      busy--;
    }
  });
  const arrival = sim.register(() => {
    arrived++;
    if (busy < servers) {
      busy++;
      startService(sim.now);
    } else {
      if (queued === line.length) {
        const bigger = new Float64Array(line.length * 2);
        for (let i = 0; i < queued; i++) bigger[i] = line[(head + i) & (line.length - 1)] as number;
        line = bigger;
        head = 0;
      }
      line[(head + queued) & (line.length - 1)] = sim.now;
      queued++;
    }
    if (arrived < WARMUP + customers) sim.schedule(Math.round(interarrival.sample(arrivalRng)), arrival);
  });
  sim.schedule(Math.round(interarrival.sample(arrivalRng)), arrival);
  sim.run();
  expect(started).toBe(WARMUP + customers);
  expect(sim.eventsProcessed).toBe(2 * (WARMUP + customers));
  return {
    meanWait: totalWait / customers,
    waited: waited / customers,
    waitedLonger: waitedLonger / customers,
    counted: customers,
  };
}

function expectWithin(actual: number, expected: number, relative: number): void {
  expect(Math.abs(actual / expected - 1)).toBeLessThanOrEqual(relative);
}

describe("engine against queueing closed forms (seed 7)", () => {
  it("M/M/1 at rho 0.5 (2M customers): mean wait within 2% of rho / (mu - lambda)", () => {
    const lambda = 0.5 / MS; // per ns
    const mu = 1 / MS;
    const run = simulateQueue({
      servers: 1,
      interarrival: exponential(1 / lambda),
      service: exponential(1 / mu),
      customers: 2_000_000,
    });
    expectWithin(run.meanWait, mm1MeanWait(lambda, mu), 0.02); // 1 ms
    // PASTA: an arrival finds the server busy with probability rho (standard error about 0.1%).
    expectWithin(run.waited, 0.5, 0.01);
  });

  it("M/M/4 at rho 0.8 (8M customers): mean wait within 2% of Erlang C / (c mu - lambda)", () => {
    const c = 4;
    const mu = 1 / MS;
    const lambda = 0.8 * c * mu;
    const q90 = mmcWaitQuantile(lambda, mu, c, 0.9);
    const run = simulateQueue({
      servers: c,
      interarrival: exponential(1 / lambda),
      service: exponential(1 / mu),
      customers: 8_000_000,
      threshold: q90,
    });
    expectWithin(run.meanWait, mmcMeanWait(lambda, mu, c), 0.02); // 0.7455 ms
    // P(wait > 0) is Erlang C (standard error about 0.12%) and P(wait > q90) is 10% (about 0.9%).
    expectWithin(run.waited, erlangC(c, lambda / mu), 0.01);
    expectWithin(run.waitedLonger, 0.1, 0.05);
  });

  it("M/D/1 at rho 0.7 (2M customers): mean wait within 2% of Pollaczek-Khinchine rho s / (2 (1 - rho))", () => {
    const s = MS;
    const lambda = 0.7 / s;
    const run = simulateQueue({
      servers: 1,
      interarrival: exponential(1 / lambda),
      service: constant(s),
      customers: 2_000_000,
    });
    expectWithin(run.meanWait, md1MeanWait(lambda, s), 0.02); // 1.1667 ms
    expectWithin(run.waited, 0.7, 0.01);
  });
});
