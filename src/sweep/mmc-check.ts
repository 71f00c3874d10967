import { SECOND } from "../engine/time.js";
import { erlangC, mmcMeanSojourn, mmcMeanWait, mmcWaitQuantile } from "../queueing/erlang-c.js";
import type { Scenario } from "../scenario/scenario.js";
import type { Objective } from "./slo.js";

/** An M/M/c reading of a scenario: Poisson arrivals, exponential service, c servers. */
export interface MmcModel {
  /** Arrivals per second. */
  lambda: number;
  /** Services per second per server. */
  mu: number;
  servers: number;
}

/**
 * The M/M/c queue a scenario behaves like, or the reason it does not: Poisson arrivals, one task
 * class with one exponential CPU step, no background threads and no concurrency limit, run by
 * worker processes or by threads with the GIL off, with no more workers than cores (more would
 * share cores by time slices, not queue). Pure-Python steps run `pythonSlowdown` slower.
 */
export function mmcModel(scenario: Scenario): MmcModel | string {
  const { arrivals, classes, concurrency } = scenario.workload;
  if (arrivals.kind !== "poisson") return `arrivals are ${arrivals.kind}, not poisson`;
  if (classes.length !== 1) return `${classes.length} task classes, not one`;
  const steps = classes[0]?.steps ?? [];
  const step = steps[0];
  if (steps.length !== 1 || step?.kind !== "cpu") return "a task is not a single CPU step";
  if (step.duration.dist !== "exponential") return `the CPU step is ${step.duration.dist}, not exponential`;
  if (scenario.background.length > 0) return "background threads share the cores";
  if (concurrency !== null) return "a concurrency limit caps the queue";
  const e = scenario.executor;
  if (e.kind === "threads" && scenario.runtime.gil) return "threads share one GIL";
  if (e.kind !== "threads" && e.kind !== "processes") return `the ${e.kind} executor is not a pool of servers`;
  if (e.workers > scenario.machine.cores) return `${e.workers} workers on ${scenario.machine.cores} cores share cores`;
  const slowdown = step.gil === "python" ? scenario.runtime.pythonSlowdown : 1;
  const service = (step.duration.mean * slowdown) / SECOND;
  return { lambda: arrivals.rate, mu: 1 / service, servers: e.workers };
}

/**
 * The q-quantile of the M/M/c time in system (wait plus service), in seconds. The wait is 0 with
 * probability 1 - C and Exp(c mu - lambda) otherwise, the service Exp(mu), so
 * P(T > t) = (1 - C) e^(-mu t) + C (theta e^(-mu t) - mu e^(-theta t)) / (theta - mu), theta = c mu - lambda
 * (C (1 + mu t) e^(-mu t) when theta = mu), solved for t by bisection.
 */
export function mmcSojournQuantile(lambda: number, mu: number, c: number, q: number): number {
  const C = erlangC(c, lambda / mu);
  const theta = c * mu - lambda;
  const tail = (t: number): number => {
    const service = Math.exp(-mu * t);
    const both =
      Math.abs(theta - mu) < 1e-9 * mu
        ? (1 + mu * t) * service
        : (theta * service - mu * Math.exp(-theta * t)) / (theta - mu);
    return (1 - C) * service + C * both;
  };
  const want = 1 - q;
  let hi = 1 / Math.min(mu, theta);
  while (tail(hi) > want) hi *= 2;
  let lo = 0;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (tail(mid) > want) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

const QUANTILE = /^(latency|wait)\.p(\d+)$/;

/**
 * What M/M/c predicts for an objective's metric (ns for times, per second for throughput), or
 * null when it has no closed form here (max) or the queue is unstable.
 */
export function mmcPredict(model: MmcModel, objective: Objective): number | null {
  const { lambda, mu, servers } = model;
  if (lambda >= servers * mu) return null;
  const m = objective.metric;
  if (m === "throughput") return lambda;
  if (m === "latency.mean") return mmcMeanSojourn(lambda, mu, servers) * SECOND;
  if (m === "wait.mean") return mmcMeanWait(lambda, mu, servers) * SECOND;
  const qm = QUANTILE.exec(m);
  if (!qm) return null;
  const q = Number(qm[2]) / 100;
  if (qm[1] === "wait") return mmcWaitQuantile(lambda, mu, servers, q) * SECOND;
  return mmcSojournQuantile(lambda, mu, servers, q) * SECOND;
}
