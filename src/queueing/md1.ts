/**
 * M/G/1 and M/D/1: Poisson arrivals at rate lambda, one server whose service times are
 * independent with the given mean and variance (M/G/1), or all equal (M/D/1).
 *
 * The Pollaczek-Khinchine formula gives the mean wait in line:
 *   Wq = lambda E[S^2] / (2 (1 - rho)),  E[S^2] = variance + mean^2,  rho = lambda mean < 1.
 * With variance 0 (deterministic service) it is rho mean / (2 (1 - rho)), half the M/M/1 wait.
 */
import { checkNonNegative, checkRate, checkStable } from "./arguments.js";

/** Mean M/G/1 wait in line before service (Pollaczek-Khinchine). */
export function mg1MeanWait(lambda: number, serviceMean: number, serviceVariance: number): number {
  checkRate("arrival rate", lambda);
  checkRate("service mean", serviceMean);
  checkNonNegative("service variance", serviceVariance);
  const rho = checkStable(lambda * serviceMean, 1, `arrival rate ${lambda} * service mean ${serviceMean}`);
  const secondMoment = serviceVariance + serviceMean * serviceMean;
  return (lambda * secondMoment) / (2 * (1 - rho));
}

/** Mean M/G/1 time in the system: the mean wait plus the mean service. */
export function mg1MeanSojourn(lambda: number, serviceMean: number, serviceVariance: number): number {
  return mg1MeanWait(lambda, serviceMean, serviceVariance) + serviceMean;
}

/** Mean M/D/1 wait in line: every service takes exactly `service`. */
export function md1MeanWait(lambda: number, service: number): number {
  return mg1MeanWait(lambda, service, 0);
}
