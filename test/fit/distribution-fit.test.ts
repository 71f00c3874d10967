import { describe, expect, it } from "vitest";
import { exponential, gamma } from "../../src/engine/distributions.js";
import { Random } from "../../src/engine/random.js";
import { fitArrivals } from "../../src/fit/arrivals.js";
import { compressEmpirical, fitDistribution } from "../../src/fit/distribution-fit.js";
import { regularizedGammaP } from "../../src/fit/incomplete-gamma.js";
import { ksCritical, ksDistance, ksDistanceDiscrete } from "../../src/fit/ks.js";

function draws(n: number, sample: (rng: Random) => number, seed = 7): number[] {
  const rng = new Random(seed, "fit-test");
  return Array.from({ length: n }, () => sample(rng));
}

describe("the incomplete gamma function", () => {
  it("matches the closed forms for integer shapes", () => {
    for (const x of [0.01, 0.5, 1, 2.5, 7, 30]) {
      expect(regularizedGammaP(1, x)).toBeCloseTo(1 - Math.exp(-x), 12);
      expect(regularizedGammaP(2, x)).toBeCloseTo(1 - Math.exp(-x) * (1 + x), 12);
      expect(regularizedGammaP(3, x)).toBeCloseTo(1 - Math.exp(-x) * (1 + x + (x * x) / 2), 12);
    }
    expect(regularizedGammaP(4, 0)).toBe(0);
    expect(() => regularizedGammaP(0, 1)).toThrow(/invalid shape: 0/);
  });
});

describe("the Kolmogorov-Smirnov distance", () => {
  it("is half a step for a sample at the midpoints of a uniform's quantiles", () => {
    const n = 40;
    const sample = Array.from({ length: n }, (_, i) => (i + 0.5) / n);
    expect(ksDistance(sample, (x) => Math.min(1, Math.max(0, x)))).toBeCloseTo(0.5 / n, 12);
  });

  it("is 0 between a sample and its own empirical distribution, and 1 between disjoint ones", () => {
    const sample = [1, 2, 2, 5];
    expect(ksDistanceDiscrete(sample, [1, 2, 5], [0.25, 0.5, 0.25])).toBe(0);
    expect(ksDistanceDiscrete(sample, [10], [1])).toBe(1);
  });

  it("has Kolmogorov's asymptotic critical values", () => {
    expect(ksCritical(100, 0.05)).toBeCloseTo(0.1358, 4);
    expect(ksCritical(100, 0.01)).toBeCloseTo(0.1628, 4);
  });
});

describe("fitting a step's duration", () => {
  it("writes a constant for values with no spread", () => {
    const fit = fitDistribution([5000, 5000, 5000, 5000, 5000, 5000]);
    expect(fit.chosen).toBe("constant");
    expect(fit.input).toBe("5us");
  });

  it("accepts a fitted gamma or lognormal for gamma draws, with the data's mean", () => {
    const values = draws(3000, (rng) => gamma(3, 40_000).sample(rng));
    const fit = fitDistribution(values, "auto");
    expect(["gamma", "lognormal"]).toContain(fit.chosen);
    expect(fit.ks).toBeLessThanOrEqual(fit.critical);
    const gammaCandidate = fit.candidates.find((c) => c.kind === "gamma");
    expect(gammaCandidate?.ks).toBeLessThanOrEqual(fit.critical);
    expect(fit.mean).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6);
  });

  it("falls back to the empirical distribution when no fitted family passes (a bimodal step)", () => {
    const values = draws(4000, (rng) => (rng.next() < 0.5 ? 10_000 : 200_000) + rng.next() * 1000);
    const fit = fitDistribution(values, "auto");
    expect(fit.chosen).toBe("empirical");
    expect(fit.ks).toBeLessThanOrEqual(fit.critical);
  });

  it("compresses an empirical distribution into bins that keep its mean (to rounding) and sum to 1", () => {
    const sorted = draws(5000, (rng) => exponential(80_000).sample(rng)).sort((a, b) => a - b);
    const { values, weights } = compressEmpirical(sorted);
    expect(values.length).toBeLessThanOrEqual(103);
    expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
    const binned = values.reduce((a, v, i) => a + v * (weights[i] as number), 0);
    expect(Math.abs(binned - mean)).toBeLessThan(1);
  });
});

describe("fitting arrivals", () => {
  it("finds Poisson arrivals and their rate in exponential gaps", () => {
    let t = 0;
    const times = draws(4000, (rng) => {
      t += exponential(5e6).sample(rng);
      return t;
    });
    const a = fitArrivals(times);
    expect(a.kind).toBe("poisson");
    expect(a.warning).toBeNull();
    expect(a.rate).toBeGreaterThan(190);
    expect(a.rate).toBeLessThan(210);
    expect(a.count).toBe(4000);
  });

  it("finds a fixed rate in evenly spaced arrivals, and warns about bursts", () => {
    const fixed = fitArrivals(Array.from({ length: 100 }, (_, i) => i * 10e6 + (i % 2) * 1e5));
    expect(fixed.kind).toBe("fixed");
    expect(fixed.rate).toBeCloseTo(100, 0);
    const bursts = Array.from({ length: 400 }, (_, i) => Math.floor(i / 20) * 1e9 + (i % 20) * 1e5);
    const b = fitArrivals(bursts);
    expect(b.kind).toBe("poisson");
    expect(b.warning).toMatch(/not exponential.*understates the bursts/);
  });
});
