/**
 * The M/M/c queue: Poisson arrivals at rate lambda, c servers each serving at rate mu
 * (exponential service), one FIFO line. The offered load is a = lambda / mu (in Erlangs) and the
 * utilization rho = a / c, which must be below 1.
 *
 * Erlang C, the probability that an arrival has to wait, is computed from the Erlang B recursion
 * B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)), then C = B / (1 - rho (1 - B)). Every step stays
 * in [0, 1], so it holds for thousands of servers where the textbook sum of a^k / k! overflows.
 */
import { checkNonNegative, checkQuantile, checkRate, checkServers, checkStable } from "./arguments.js";

/** Erlang B: the probability that an arrival finds all `servers` busy in the loss system M/M/c/c. */
export function erlangB(servers: number, offeredLoad: number): number {
  checkServers(servers);
  checkNonNegative("offered load", offeredLoad);
  let b = 1;
  for (let k = 1; k <= servers; k++) b = (offeredLoad * b) / (k + offeredLoad * b);
  return b;
}

/** Erlang C: the probability that an arrival has to wait in M/M/c (offered load below `servers`). */
export function erlangC(servers: number, offeredLoad: number): number {
  checkServers(servers);
  checkNonNegative("offered load", offeredLoad);
  const rho = checkStable(offeredLoad, servers, `offered load ${offeredLoad} on ${servers} servers`);
  const b = erlangB(servers, offeredLoad);
  return b / (1 - rho * (1 - b));
}

function load(lambda: number, mu: number, c: number): number {
  checkRate("arrival rate", lambda);
  checkRate("service rate", mu);
  checkServers(c);
  checkStable(lambda / mu, c, `arrival rate ${lambda} / (${c} servers * service rate ${mu})`);
  return lambda / mu;
}

/** Mean time an M/M/c customer waits in line before service: C / (c mu - lambda). */
export function mmcMeanWait(lambda: number, mu: number, c: number): number {
  const a = load(lambda, mu, c);
  return erlangC(c, a) / (c * mu - lambda);
}

/** Mean time an M/M/c customer spends in the system (wait plus service). */
export function mmcMeanSojourn(lambda: number, mu: number, c: number): number {
  return mmcMeanWait(lambda, mu, c) + 1 / mu;
}

/**
 * The p-quantile of the M/M/c waiting time. P(W > t) = C exp(-(c mu - lambda) t), with an atom
 * of 1 - C at zero: quantiles at or below 1 - C are 0.
 */
export function mmcWaitQuantile(lambda: number, mu: number, c: number, p: number): number {
  const a = load(lambda, mu, c);
  checkQuantile(p);
  const waitProbability = erlangC(c, a);
  const tail = 1 - p;
  if (tail >= waitProbability) return 0;
  return Math.log(waitProbability / tail) / (c * mu - lambda);
}
