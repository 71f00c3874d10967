import { describe, expect, test } from "vitest";
import { Z99 } from "../../src/engine/distributions.js";
import { MS, US } from "../../src/engine/time.js";
import { distributionSchema, meanOf } from "../../src/scenario/distribution.js";

describe("distributionSchema", () => {
  test("distributionSchema turns a plain duration into a constant in ns", () => {
    expect(distributionSchema.parse("2ms")).toEqual({ dist: "constant", value: 2 * MS });
  });

  test("distributionSchema turns a lognormal's median and p99 into mu and sigma", () => {
    const d = distributionSchema.parse({ dist: "lognormal", median: "1ms", p99: "10ms" });
    expect(d).toEqual({ dist: "lognormal", mu: Math.log(MS), sigma: Math.log(10) / Z99 });
  });

  test("distributionSchema reads mu in the given unit (ms by default)", () => {
    expect(distributionSchema.parse({ dist: "lognormal", mu: 0, sigma: 0.5 })).toEqual({
      dist: "lognormal",
      mu: Math.log(MS),
      sigma: 0.5,
    });
    expect(distributionSchema.parse({ dist: "lognormal", mu: 0, sigma: 0, unit: "us" })).toEqual({
      dist: "lognormal",
      mu: Math.log(US),
      sigma: 0,
    });
  });

  test("distributionSchema gives an empirical distribution equal weights by default", () => {
    expect(distributionSchema.parse({ dist: "empirical", values: [1, "2ms"] })).toEqual({
      dist: "empirical",
      values: [MS, 2 * MS],
      weights: [1, 1],
    });
  });

  test("meanOf gives the closed-form means", () => {
    expect(meanOf(distributionSchema.parse({ dist: "exponential", mean: "3ms" }))).toBeCloseTo(3 * MS, 6);
    expect(meanOf(distributionSchema.parse({ dist: "uniform", min: "1ms", max: "3ms" }))).toBeCloseTo(2 * MS, 6);
    expect(meanOf(distributionSchema.parse({ dist: "empirical", values: [1, 4], weights: [3, 1] }))).toBeCloseTo(
      1.75 * MS,
      6,
    );
    // lognormal: exp(mu + sigma^2 / 2).
    expect(meanOf(distributionSchema.parse({ dist: "lognormal", mu: 0, sigma: 1 }))).toBeCloseTo(Math.exp(0.5) * MS, 3);
  });
});
