import { Streams } from "../engine/random.js";
import { type Nanos, SECOND } from "../engine/time.js";

/** One request the load generator will send: when (from the start) and which kind. */
export interface Planned {
  /** Offset from the start of the run, in nanoseconds. */
  at: Nanos;
  /** Index into the request kinds. */
  kind: number;
}

/**
 * An open-loop Poisson schedule: `count` arrivals at `rate` per second with exponential gaps,
 * each of a kind drawn by `weights`. Seeded (streams "arrivals" and "kinds"), so the same seed
 * sends the same traffic every run. Throws a RangeError naming a bad option.
 */
export function poissonSchedule(rate: number, count: number, weights: readonly number[], seed: number): Planned[] {
  if (!Number.isFinite(rate) || rate <= 0) throw new RangeError(`invalid rate: ${rate} (expected requests/s above 0)`);
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new RangeError(`invalid count: ${count} (expected a positive integer)`);
  }
  if (weights.length === 0 || weights.some((w) => !(w >= 0)) || !weights.some((w) => w > 0)) {
    throw new RangeError(`invalid weights: ${JSON.stringify(weights)} (expected weights of at least 0, one above 0)`);
  }
  const streams = new Streams(seed);
  const gaps = streams.get("arrivals");
  const kinds = streams.get("kinds");
  const total = weights.reduce((a, b) => a + b, 0);
  const out: Planned[] = [];
  let clock = 0;
  for (let i = 0; i < count; i++) {
    clock += Math.round((-Math.log(gaps.nextOpen()) * SECOND) / rate);
    let u = kinds.next() * total;
    let kind = 0;
    while (kind < weights.length - 1 && u >= (weights[kind] as number)) {
      u -= weights[kind] as number;
      kind++;
    }
    out.push({ at: clock, kind });
  }
  return out;
}
