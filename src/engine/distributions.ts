import type { Random } from "./random.js";

/**
 * A probability distribution over non-negative values, sampled from an explicit random source.
 * `mean` and `variance` are the exact moments of what `sample` draws (used by tests and by the
 * closed-form cross-checks).
 */
export interface Distribution {
  readonly kind: string;
  readonly mean: number;
  readonly variance: number;
  sample(rng: Random): number;
}

function check(condition: boolean, name: string, value: unknown, expected: string): void {
  if (!condition) throw new RangeError(`invalid ${name}: ${String(value)} (expected ${expected})`);
}

const finiteNonNegative = (x: number): boolean => Number.isFinite(x) && x >= 0;
const finitePositive = (x: number): boolean => Number.isFinite(x) && x > 0;

export function constant(value: number): Distribution {
  check(finiteNonNegative(value), "constant value", value, "a finite number of at least 0");
  return { kind: "constant", mean: value, variance: 0, sample: () => value };
}

export function uniform(min: number, max: number): Distribution {
  check(finiteNonNegative(min), "uniform min", min, "a finite number of at least 0");
  check(Number.isFinite(max) && max >= min, "uniform max", max, `a finite number of at least min (${min})`);
  const width = max - min;
  return {
    kind: "uniform",
    mean: (min + max) / 2,
    variance: (width * width) / 12,
    sample: (rng) => min + width * rng.next(),
  };
}

export function exponential(mean: number): Distribution {
  check(finitePositive(mean), "exponential mean", mean, "a finite number above 0");
  return {
    kind: "exponential",
    mean,
    variance: mean * mean,
    sample: (rng) => -mean * Math.log(rng.nextOpen()),
  };
}

/** The standard normal density. */
function phi(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** The standard normal CDF, accurate to about 1e-14 (erfc by continued fraction / series). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 3) {
    // Maclaurin series of erf, fine for |x| < 3 in double precision.
    let sum = x;
    let term = x;
    const x2 = x * x;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(x) = exp(-x^2) / sqrt(pi) / g with g = x + (1/2)/(x + (2/2)/(x + (3/2)/(x + ...))),
  // evaluated by the modified Lentz method.
  const tiny = 1e-300;
  let g = x;
  let c = g;
  let d = 0;
  for (let j = 1; j < 500; j++) {
    const a = j / 2;
    d = x + a * d;
    d = d === 0 ? tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    g *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / g;
}

/**
 * A normal distribution with mean `mu` and standard deviation `sigma`, truncated at zero.
 * `mean` and `variance` are those of the truncated distribution. With `mu` at least 0, negative
 * draws are redrawn (at most half are rejected); with `mu` below 0 that would reject almost every
 * draw, so the tail is sampled by Robert's exponential rejection method (1995) instead.
 */
export function truncatedNormal(mu: number, sigma: number): Distribution {
  check(Number.isFinite(mu), "normal mean", mu, "a finite number");
  check(finiteNonNegative(sigma), "normal sd", sigma, "a finite number of at least 0");
  if (sigma === 0) {
    check(mu >= 0, "normal mean", mu, "at least 0 when sd is 0");
    return { ...constant(mu), kind: "normal" };
  }
  const alpha = -mu / sigma;
  const z = normalCdf(-alpha);
  check(z > 1e-12, "normal mean", mu, `a value not so far below 0 that no draw is positive (sd ${sigma})`);
  const lambda = phi(alpha) / z;
  const mean = mu + sigma * lambda;
  const variance = sigma * sigma * (1 + alpha * lambda - lambda * lambda);
  return {
    kind: "normal",
    mean,
    variance,
    sample:
      alpha > 0
        ? normalTail(mu, sigma, alpha)
        : (rng) => {
            for (;;) {
              const x = mu + sigma * rng.normal();
              if (x >= 0) return x;
            }
          },
  };
}

/**
 * Samples mu + sigma * Z for a standard normal Z conditioned on Z >= alpha > 0: propose
 * alpha + Exp(rate), accept with probability exp(-(z - rate)^2 / 2); the optimal rate accepts
 * at least 76% of proposals for every alpha.
 */
function normalTail(mu: number, sigma: number, alpha: number): (rng: Random) => number {
  const rate = (alpha + Math.sqrt(alpha * alpha + 4)) / 2;
  return (rng) => {
    for (;;) {
      const z = alpha - Math.log(rng.nextOpen()) / rate;
      const d = z - rate;
      if (rng.next() < Math.exp(-0.5 * d * d)) return Math.max(0, mu + sigma * z);
    }
  };
}

/** Lognormal: exp(N(mu, sigma^2)). */
export function lognormal(mu: number, sigma: number): Distribution {
  check(Number.isFinite(mu), "lognormal mu", mu, "a finite number");
  check(finiteNonNegative(sigma), "lognormal sigma", sigma, "a finite number of at least 0");
  const s2 = sigma * sigma;
  return {
    kind: "lognormal",
    mean: Math.exp(mu + s2 / 2),
    variance: (Math.exp(s2) - 1) * Math.exp(2 * mu + s2),
    sample: (rng) => Math.exp(mu + sigma * rng.normal()),
  };
}

/** z such that P(N(0,1) <= z) = 0.99. */
export const Z99 = 2.3263478740408408;

/** Lognormal given its median and its 99th percentile. */
export function lognormalFromQuantiles(median: number, p99: number): Distribution {
  check(finitePositive(median), "lognormal median", median, "a finite number above 0");
  check(
    Number.isFinite(p99) && p99 >= median,
    "lognormal p99",
    p99,
    `a finite number of at least the median (${median})`,
  );
  return lognormal(Math.log(median), Math.log(p99 / median) / Z99);
}

/** Gamma with shape k and scale theta (Marsaglia and Tsang, 2000; boosted for k < 1). */
export function gamma(shape: number, scale: number): Distribution {
  check(finitePositive(shape), "gamma shape", shape, "a finite number above 0");
  check(finitePositive(scale), "gamma scale", scale, "a finite number above 0");
  const k = shape < 1 ? shape + 1 : shape;
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  const boost = shape < 1 ? 1 / shape : 0;
  const draw = (rng: Random): number => {
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = rng.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = rng.nextOpen();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
        return d * v;
      }
    }
  };
  return {
    kind: "gamma",
    mean: shape * scale,
    variance: shape * scale * scale,
    sample: (rng) => {
      const g = draw(rng);
      return scale * (boost ? g * rng.nextOpen() ** boost : g);
    },
  };
}

/** Erlang: the sum of k exponentials with total mean `mean`. */
export function erlang(k: number, mean: number): Distribution {
  check(Number.isInteger(k) && k >= 1, "erlang k", k, "a positive integer");
  check(finitePositive(mean), "erlang mean", mean, "a finite number above 0");
  const rate = mean / k;
  return {
    kind: "erlang",
    mean,
    variance: k * rate * rate,
    sample: (rng) => {
      // The product of k uniforms underflows for k in the hundreds: fold it into a sum of logs
      // before it can (a no-op for small k, which keeps their draws unchanged).
      let product = 1;
      let logSum = 0;
      for (let i = 0; i < k; i++) {
        product *= rng.nextOpen();
        if (product < 1e-280) {
          logSum += Math.log(product);
          product = 1;
        }
      }
      return -rate * (logSum + Math.log(product));
    },
  };
}

/** A discrete distribution over `values` with relative `weights` (equal when omitted). */
export function empirical(values: readonly number[], weights?: readonly number[]): Distribution {
  check(values.length > 0, "empirical values", "[]", "at least one value");
  for (const v of values) check(finiteNonNegative(v), "empirical value", v, "a finite number of at least 0");
  const w = weights ?? values.map(() => 1);
  check(
    w.length === values.length,
    "empirical weights",
    `${w.length} weights`,
    `one weight per value (${values.length})`,
  );
  for (const x of w) check(finiteNonNegative(x), "empirical weight", x, "a finite number of at least 0");
  const total = w.reduce((a, b) => a + b, 0);
  check(total > 0, "empirical weights", "all zero", "at least one weight above 0");
  const cumulative = new Float64Array(values.length);
  let acc = 0;
  let mean = 0;
  for (let i = 0; i < values.length; i++) {
    acc += (w[i] as number) / total;
    cumulative[i] = acc;
    mean += ((w[i] as number) / total) * (values[i] as number);
  }
  let variance = 0;
  for (let i = 0; i < values.length; i++) {
    const d = (values[i] as number) - mean;
    variance += ((w[i] as number) / total) * d * d;
  }
  const vals = Float64Array.from(values);
  const last = vals.length - 1;
  return {
    kind: "empirical",
    mean,
    variance,
    sample: (rng) => {
      const u = rng.next();
      let lo = 0;
      let hi = last;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (u < (cumulative[mid] as number)) hi = mid;
        else lo = mid + 1;
      }
      return vals[lo] as number;
    },
  };
}
