import { describe, expect, it } from "vitest";
import {
  constant,
  type Distribution,
  empirical,
  erlang,
  exponential,
  gamma,
  lognormal,
  lognormalFromQuantiles,
  normalCdf,
  truncatedNormal,
  uniform,
  Z99,
} from "../../src/engine/distributions.js";
import { Random } from "../../src/engine/random.js";

/** Exact moments from textbook formulas, computed here without the code under test. */
interface Truth {
  mean: number;
  variance: number;
  /** Fourth central moment, for the standard error of the sample variance. */
  mu4: number;
}

/** Central moments from the raw moments E[X], E[X^2], E[X^3], E[X^4]. */
function fromRaw(m1: number, m2: number, m3: number, m4: number): Truth {
  return {
    mean: m1,
    variance: m2 - m1 * m1,
    mu4: m4 - 4 * m1 * m3 + 6 * m1 * m1 * m2 - 3 * m1 ** 4,
  };
}

/** Raw moments of Gamma(shape, scale): E[X^k] = scale^k shape (shape + 1) ... (shape + k - 1). */
function gammaTruth(shape: number, scale: number): Truth {
  const raw = [1, 2, 3, 4].map((k) => {
    let m = 1;
    for (let i = 0; i < k; i++) m *= (shape + i) * scale;
    return m;
  }) as [number, number, number, number];
  return fromRaw(...raw);
}

/** Raw moments of exp(N(mu, sigma^2)): E[X^k] = exp(k mu + k^2 sigma^2 / 2). */
function lognormalTruth(mu: number, sigma: number): Truth {
  const raw = [1, 2, 3, 4].map((k) => Math.exp(k * mu + (k * k * sigma * sigma) / 2)) as [
    number,
    number,
    number,
    number,
  ];
  return fromRaw(...raw);
}

/** Composite Simpson's rule over [a, b] with n (even) intervals. */
function simpson(f: (x: number) => number, a: number, b: number, n = 200_000): number {
  const h = (b - a) / n;
  let sum = f(a) + f(b);
  for (let i = 1; i < n; i++) sum += (i % 2 === 1 ? 4 : 2) * f(a + i * h);
  return (sum * h) / 3;
}

/** Moments of N(mu, sigma^2) conditioned on X >= 0, by numerical integration of its density. */
function truncatedNormalTruth(mu: number, sigma: number): Truth {
  const density = (x: number): number => Math.exp(-((x - mu) ** 2) / (2 * sigma * sigma));
  const top = Math.max(mu, 0) + 40 * sigma;
  const [m0, m1, m2, m3, m4] = [0, 1, 2, 3, 4].map((k) => simpson((x) => x ** k * density(x), 0, top)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  return fromRaw(m1 / m0, m2 / m0, m3 / m0, m4 / m0);
}

/** Moments of a discrete distribution. */
function discreteTruth(values: number[], weights: number[]): Truth {
  const total = weights.reduce((a, b) => a + b, 0);
  const raw = [1, 2, 3, 4].map((k) => values.reduce((acc, v, i) => acc + ((weights[i] as number) / total) * v ** k, 0));
  return fromRaw(...(raw as [number, number, number, number]));
}

function expectRelative(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected));
}

/**
 * Draws n samples with a fixed seed and checks that they are finite and non-negative and that
 * their mean and variance lie within 5 standard errors of the truth:
 * SE(mean) = sqrt(var / n), SE(s^2) = sqrt((mu4 - var^2 (n - 3) / (n - 1)) / n).
 */
function expectSamples(dist: Distribution, truth: Truth, n = 200_000, seed = 11): Float64Array {
  const rng = new Random(seed, dist.kind);
  const xs = new Float64Array(n);
  let bad = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = dist.sample(rng);
    if (!(Number.isFinite(x) && x >= 0)) bad++;
    xs[i] = x;
    sum += x;
  }
  expect(bad).toBe(0);
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((xs[i] as number) - mean) ** 2;
  const variance = ss / (n - 1);
  const seMean = Math.sqrt(truth.variance / n);
  const seVariance = Math.sqrt(Math.max(0, truth.mu4 - (truth.variance ** 2 * (n - 3)) / (n - 1)) / n);
  expect(Math.abs(mean - truth.mean)).toBeLessThanOrEqual(5 * seMean + 1e-12 * Math.abs(truth.mean));
  expect(Math.abs(variance - truth.variance)).toBeLessThanOrEqual(5 * seVariance + 1e-9 * truth.variance);
  return xs;
}

/** The declared moments equal the independent truth. */
function expectDeclared(dist: Distribution, truth: Truth, tolerance = 1e-12): void {
  expectRelative(dist.mean, truth.mean, tolerance);
  expectRelative(dist.variance, truth.variance, tolerance);
}

describe("normalCdf", () => {
  it("normalCdf matches Python's 0.5 * erfc(-x / sqrt 2) from the center to the far tail", () => {
    const cases: [number, number][] = [
      [0, 0.5],
      [0.5, 0.6914624612740131],
      [1, 0.8413447460685429],
      [-1, 0.15865525393145707],
      [3, 0.9986501019683699],
      [-3, 0.0013498980316300957],
      [-5, 2.866515718791946e-7],
      [-10, 7.619853024160593e-24],
      [6.5, 0.99999999995984],
    ];
    for (const [x, p] of cases) expectRelative(normalCdf(x), p, 1e-13);
  });

  it("Z99 is the 0.99 quantile of N(0, 1) (Python statistics.NormalDist().inv_cdf(0.99))", () => {
    expect(Z99).toBe(2.3263478740408408);
    expect(normalCdf(Z99)).toBeCloseTo(0.99, 14);
  });
});

describe("constant", () => {
  it("constant(v) always draws v, with variance 0", () => {
    const d = constant(2500);
    expectDeclared(d, { mean: 2500, variance: 0, mu4: 0 });
    expectSamples(d, { mean: 2500, variance: 0, mu4: 0 }, 1000);
    expect(constant(0).sample(new Random(1))).toBe(0);
  });
});

describe("uniform", () => {
  it("uniform(a, b) has mean (a + b) / 2 and variance (b - a)^2 / 12", () => {
    const w = 4e6;
    const truth = { mean: 3e6, variance: (w * w) / 12, mu4: w ** 4 / 80 };
    const d = uniform(1e6, 5e6);
    expectDeclared(d, truth);
    const xs = expectSamples(d, truth);
    expect(xs.reduce((a, b) => Math.min(a, b))).toBeGreaterThanOrEqual(1e6);
    expect(xs.reduce((a, b) => Math.max(a, b))).toBeLessThan(5e6);
  });

  it("uniform(a, a) is the constant a", () => {
    expectSamples(uniform(7, 7), { mean: 7, variance: 0, mu4: 0 }, 1000);
  });
});

describe("exponential", () => {
  it("exponential(m) has mean m, variance m^2 (fourth central moment 9 m^4)", () => {
    const m = 30e6;
    const truth = { mean: m, variance: m * m, mu4: 9 * m ** 4 };
    const d = exponential(m);
    expectDeclared(d, truth);
    expectSamples(d, truth);
  });
});

describe("truncatedNormal", () => {
  const cases: [string, number, number][] = [
    ["mu far above 0 (truncation negligible)", 10, 1],
    ["mu near 0 (half the mass cut)", 0.05, 1],
    ["mu below 0 (the tail sampler)", -1, 1],
    ["mu far below 0 (alpha = 5: 1 draw in 3.5 million is positive)", -5, 1],
    ["mu far below 0 on a ms scale", -3e6, 0.5e6],
  ];
  for (const [label, mu, sigma] of cases) {
    it(`truncatedNormal(${mu}, ${sigma}) matches the moments of the density cut at 0: ${label}`, () => {
      const truth = truncatedNormalTruth(mu, sigma);
      const d = truncatedNormal(mu, sigma);
      expectDeclared(d, truth, 1e-8);
      expectSamples(d, truth);
    });
  }

  it("truncatedNormal(mu, 0) is the constant mu", () => {
    const d = truncatedNormal(5, 0);
    expect(d.kind).toBe("normal");
    expectSamples(d, { mean: 5, variance: 0, mu4: 0 }, 1000);
  });
});

describe("lognormal", () => {
  it("lognormal(mu, sigma) has E[X^k] = exp(k mu + k^2 sigma^2 / 2)", () => {
    const truth = lognormalTruth(0.5, 0.4);
    const d = lognormal(0.5, 0.4);
    expectDeclared(d, truth);
    expectSamples(d, truth);
  });

  it("lognormalFromQuantiles(1 ms, 5 ms) has median 1 ms and 99th percentile 5 ms", () => {
    const median = 1e6;
    const p99 = 5e6;
    const sigma = Math.log(p99 / median) / 2.3263478740408408;
    const truth = lognormalTruth(Math.log(median), sigma);
    const d = lognormalFromQuantiles(median, p99);
    expectDeclared(d, truth);
    const xs = expectSamples(d, truth);
    // The fraction of draws below a quantile q_p is within 5 SE = 5 sqrt(p (1 - p) / n) of p.
    const n = xs.length;
    const below = (q: number): number => xs.reduce((acc, x) => acc + (x <= q ? 1 : 0), 0) / n;
    expect(Math.abs(below(median) - 0.5)).toBeLessThanOrEqual(5 * Math.sqrt(0.25 / n));
    expect(Math.abs(below(p99) - 0.99)).toBeLessThanOrEqual(5 * Math.sqrt((0.99 * 0.01) / n));
  });

  it("lognormalFromQuantiles(m, m) is the constant m", () => {
    expectSamples(lognormalFromQuantiles(3, 3), { mean: 3, variance: 0, mu4: 0 }, 1000);
  });
});

describe("gamma", () => {
  for (const [shape, scale] of [
    [0.5, 2],
    [0.2, 1e6],
    [1, 3],
    [3.5, 1.5],
  ] as const) {
    it(`gamma(${shape}, ${scale}) has mean shape*scale and variance shape*scale^2`, () => {
      const truth = gammaTruth(shape, scale);
      const d = gamma(shape, scale);
      expectDeclared(d, truth);
      expectSamples(d, truth);
    });
  }
});

describe("erlang", () => {
  it("erlang(3, 6) is Gamma(3, 2): mean 6, variance 12", () => {
    const truth = gammaTruth(3, 2);
    const d = erlang(3, 6);
    expectDeclared(d, truth);
    expectSamples(d, truth);
  });

  it("erlang(1000, 1) stays finite (the product of 1000 uniforms would underflow)", () => {
    const truth = gammaTruth(1000, 0.001);
    const d = erlang(1000, 1);
    expectDeclared(d, truth);
    expectSamples(d, truth, 5000);
  });
});

describe("empirical", () => {
  it("empirical(values, weights) draws each value with its weight's share", () => {
    const values = [1, 2, 10];
    const weights = [1, 2, 1];
    const truth = discreteTruth(values, weights);
    expect(truth.mean).toBe(3.75);
    const d = empirical(values, weights);
    expectDeclared(d, truth);
    const xs = expectSamples(d, truth);
    const n = xs.length;
    values.forEach((v, i) => {
      const p = (weights[i] as number) / 4;
      const share = xs.reduce((acc, x) => acc + (x === v ? 1 : 0), 0) / n;
      expect(Math.abs(share - p)).toBeLessThanOrEqual(5 * Math.sqrt((p * (1 - p)) / n));
    });
  });

  it("empirical(values) weighs values equally and never draws a zero-weight value", () => {
    const truth = discreteTruth([5, 6, 7, 8], [1, 1, 1, 1]);
    expectSamples(empirical([5, 6, 7, 8]), truth);
    const xs = expectSamples(empirical([1, 99], [1, 0]), { mean: 1, variance: 0, mu4: 0 }, 1000);
    expect(xs.includes(99)).toBe(false);
  });
});

describe("distribution validation", () => {
  const cases: [string, () => unknown, string][] = [
    ["constant(-1)", () => constant(-1), "invalid constant value: -1 (expected a finite number of at least 0)"],
    [
      "constant(NaN)",
      () => constant(Number.NaN),
      "invalid constant value: NaN (expected a finite number of at least 0)",
    ],
    ["uniform(-1, 2)", () => uniform(-1, 2), "invalid uniform min: -1 (expected a finite number of at least 0)"],
    ["uniform(3, 2)", () => uniform(3, 2), "invalid uniform max: 2 (expected a finite number of at least min (3))"],
    [
      "uniform(0, Infinity)",
      () => uniform(0, Number.POSITIVE_INFINITY),
      "invalid uniform max: Infinity (expected a finite number of at least min (0))",
    ],
    ["exponential(0)", () => exponential(0), "invalid exponential mean: 0 (expected a finite number above 0)"],
    ["exponential(-1)", () => exponential(-1), "invalid exponential mean: -1 (expected a finite number above 0)"],
    [
      "truncatedNormal(NaN, 1)",
      () => truncatedNormal(Number.NaN, 1),
      "invalid normal mean: NaN (expected a finite number)",
    ],
    [
      "truncatedNormal(1, -1)",
      () => truncatedNormal(1, -1),
      "invalid normal sd: -1 (expected a finite number of at least 0)",
    ],
    [
      "truncatedNormal(-1, 0)",
      () => truncatedNormal(-1, 0),
      "invalid normal mean: -1 (expected at least 0 when sd is 0)",
    ],
    [
      "truncatedNormal(-100, 1)",
      () => truncatedNormal(-100, 1),
      "invalid normal mean: -100 (expected a value not so far below 0 that no draw is positive (sd 1))",
    ],
    [
      "lognormal(Infinity, 1)",
      () => lognormal(Number.POSITIVE_INFINITY, 1),
      "invalid lognormal mu: Infinity (expected a finite number)",
    ],
    [
      "lognormal(0, -1)",
      () => lognormal(0, -1),
      "invalid lognormal sigma: -1 (expected a finite number of at least 0)",
    ],
    [
      "lognormalFromQuantiles(0, 1)",
      () => lognormalFromQuantiles(0, 1),
      "invalid lognormal median: 0 (expected a finite number above 0)",
    ],
    [
      "lognormalFromQuantiles(2, 1)",
      () => lognormalFromQuantiles(2, 1),
      "invalid lognormal p99: 1 (expected a finite number of at least the median (2))",
    ],
    ["gamma(0, 1)", () => gamma(0, 1), "invalid gamma shape: 0 (expected a finite number above 0)"],
    ["gamma(1, -2)", () => gamma(1, -2), "invalid gamma scale: -2 (expected a finite number above 0)"],
    ["erlang(1.5, 1)", () => erlang(1.5, 1), "invalid erlang k: 1.5 (expected a positive integer)"],
    ["erlang(0, 1)", () => erlang(0, 1), "invalid erlang k: 0 (expected a positive integer)"],
    ["erlang(2, 0)", () => erlang(2, 0), "invalid erlang mean: 0 (expected a finite number above 0)"],
    ["empirical([])", () => empirical([]), "invalid empirical values: [] (expected at least one value)"],
    [
      "empirical([1, -1])",
      () => empirical([1, -1]),
      "invalid empirical value: -1 (expected a finite number of at least 0)",
    ],
    [
      "empirical([1, 2], [1])",
      () => empirical([1, 2], [1]),
      "invalid empirical weights: 1 weights (expected one weight per value (2))",
    ],
    [
      "empirical([1, 2], [1, -1])",
      () => empirical([1, 2], [1, -1]),
      "invalid empirical weight: -1 (expected a finite number of at least 0)",
    ],
    [
      "empirical([1, 2], [0, 0])",
      () => empirical([1, 2], [0, 0]),
      "invalid empirical weights: all zero (expected at least one weight above 0)",
    ],
  ];
  for (const [call, make, message] of cases) {
    it(`${call} throws RangeError "${message}"`, () => {
      expect(make).toThrow(new RangeError(message));
    });
  }
});
