import { describe, expect, it } from "vitest";
import { resolveEstimate } from "../../src/charts/estimate.js";

describe("resolveEstimate", () => {
  it("resolveEstimate reads a bare number as an estimate without an interval", () => {
    expect(resolveEstimate("x", 4)).toEqual({ mean: 4, lo: 4, hi: 4, hasInterval: false });
  });

  it("resolveEstimate reads replicate()'s {mean, lo, hi, halfWidth} summaries", () => {
    expect(
      resolveEstimate("x", { mean: 4, lo: 3, hi: 5, halfWidth: 1 } as { mean: number; lo: number; hi: number }),
    ).toEqual({
      mean: 4,
      lo: 3,
      hi: 5,
      hasInterval: true,
    });
  });

  it("resolveEstimate names the estimate when lo <= mean <= hi fails or a value is not finite", () => {
    expect(() => resolveEstimate("points[2].latency", { mean: 4, lo: 5, hi: 6 })).toThrow(
      "invalid points[2].latency: {mean: 4, lo: 5, hi: 6} (expected finite numbers with lo <= mean <= hi)",
    );
    expect(() => resolveEstimate("points[0].throughput", Number.NaN)).toThrow(
      "invalid points[0].throughput: NaN (expected a finite number)",
    );
  });
});
