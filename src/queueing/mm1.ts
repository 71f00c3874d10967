/**
 * The M/M/1 queue: Poisson arrivals at rate lambda, one server with exponential service at rate
 * mu, utilization rho = lambda / mu below 1. The waiting time is 0 with probability 1 - rho and
 * otherwise exponential with rate mu - lambda.
 */
import { checkQuantile, checkRate, checkStable } from "./arguments.js";

function utilization(lambda: number, mu: number): number {
  checkRate("arrival rate", lambda);
  checkRate("service rate", mu);
  return checkStable(lambda / mu, 1, `arrival rate ${lambda} / service rate ${mu}`);
}

/** Mean time in line before service: rho / (mu - lambda). */
export function mm1MeanWait(lambda: number, mu: number): number {
  const rho = utilization(lambda, mu);
  return rho / (mu - lambda);
}

/** Mean time in the system (wait plus service): 1 / (mu - lambda). */
export function mm1MeanSojourn(lambda: number, mu: number): number {
  utilization(lambda, mu);
  return 1 / (mu - lambda);
}

/** Mean number in the system: rho / (1 - rho). */
export function mm1MeanNumber(lambda: number, mu: number): number {
  const rho = utilization(lambda, mu);
  return rho / (1 - rho);
}

/** The p-quantile of the waiting time: P(W > t) = rho exp(-(mu - lambda) t); 0 when p <= 1 - rho. */
export function mm1WaitQuantile(lambda: number, mu: number, p: number): number {
  const rho = utilization(lambda, mu);
  checkQuantile(p);
  const tail = 1 - p;
  if (tail >= rho) return 0;
  return Math.log(rho / tail) / (mu - lambda);
}
