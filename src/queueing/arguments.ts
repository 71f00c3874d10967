/**
 * Argument checks shared by the queueing closed forms. Each throws a RangeError that names the
 * argument and its value: `invalid servers: 0 (expected a positive integer)`.
 *
 * Rates and times may be in any unit as long as they agree (rates per second with times in
 * seconds, or rates per ns with times in ns).
 */

function fail(name: string, value: number, expected: string): never {
  throw new RangeError(`invalid ${name}: ${value} (expected ${expected})`);
}

/** A finite rate above 0 (arrivals or services per unit of time). */
export function checkRate(name: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) fail(name, value, "a finite number above 0");
}

/** A finite number of at least 0 (a load, a mean, a variance). */
export function checkNonNegative(name: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0)) fail(name, value, "a finite number of at least 0");
}

/** A number of servers: an integer of at least 1. */
export function checkServers(value: number): void {
  if (!(Number.isSafeInteger(value) && value >= 1)) fail("servers", value, "a positive integer");
}

/** A probability level for a quantile: 0 <= p < 1. */
export function checkQuantile(p: number): void {
  if (!(p >= 0 && p < 1)) fail("quantile", p, "a number in [0, 1)");
}

/**
 * Checks that a queue is stable, utilization = offeredLoad / servers < 1, and returns the
 * utilization. `what` says where the load comes from, for the message.
 */
export function checkStable(offeredLoad: number, servers: number, what: string): number {
  const utilization = offeredLoad / servers;
  if (!(utilization < 1)) fail("utilization", utilization, `below 1 for a stable queue; ${what}`);
  return utilization;
}
