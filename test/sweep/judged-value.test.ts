import { describe, expect, it } from "vitest";
import { MEDIAN_SIGNED_ERROR } from "../../src/sweep/model-error.js";
import { judgedValue, meetsTarget, parseTarget, withModelError } from "../../src/sweep/target.js";

/*
 * targetJudged: the value a sweep point is judged by against its target. For an upper limit on a
 * time it is the interval's upper bound times the model-error allowance's factor; for a lower
 * limit on throughput, the lower bound as it is; none for a time of a point cut short. And a point
 * meets the target exactly when that value does.
 */

const point = (metric: string, mean: number, halfWidth: number, truncated = 0) => ({
  summary: { [metric]: { mean, lo: mean - halfWidth, hi: mean + halfWidth, halfWidth } },
  truncated,
});

describe("judgedValue", () => {
  it("is the upper bound times the allowance's factor for a time, the bound itself without one", () => {
    const p = point("latency.p99", 80e6, 5e6);
    const bare = withModelError(parseTarget("p99<=100ms"), false, "defaults");
    expect(judgedValue(bare, p)).toBe(85e6);
    const allowed = withModelError(parseTarget("p99<=100ms"), true, "defaults");
    const factor = 1 / (1 + MEDIAN_SIGNED_ERROR.defaults["latency.p99"]);
    expect(judgedValue(allowed, p)).toBeCloseTo(85e6 * factor, 3);
    // 85 ms meets 100 ms as it is, and times the factor (about 1.07: 91 ms) still does.
    expect(meetsTarget(allowed, p)).toBe(true);
    // A bound of 95 ms meets it as simulated, and misses once the factor is allowed for (about 102 ms).
    const close = point("latency.p99", 90e6, 5e6);
    expect(meetsTarget(bare, close)).toBe(true);
    expect(factor).toBeGreaterThan(100 / 95);
    expect(meetsTarget(allowed, close)).toBe(false);
  });

  it("is the lower bound for a throughput floor, with no allowance", () => {
    const t = withModelError(parseTarget("throughput>=450/s"), true, "defaults");
    const p = point("throughput", 470, 15);
    expect(judgedValue(t, p)).toBe(455);
    expect(meetsTarget(t, p)).toBe(true);
    expect(meetsTarget(t, point("throughput", 460, 15))).toBe(false);
  });

  it("is null for a time of a point cut short, which never meets the target, and for a missing metric", () => {
    const t = withModelError(parseTarget("p99<=100ms"), false, "defaults");
    const cut = point("latency.p99", 10e6, 1e6, 2);
    expect(judgedValue(t, cut)).toBeNull();
    expect(meetsTarget(t, cut)).toBe(false);
    expect(judgedValue(t, point("latency.p95", 10e6, 1e6))).toBeNull();
    // A cut run's throughput is what it served: judged as it is.
    const served = withModelError(parseTarget("throughput>=100/s"), false, "defaults");
    expect(judgedValue(served, point("throughput", 200, 10, 2))).toBe(190);
  });
});
