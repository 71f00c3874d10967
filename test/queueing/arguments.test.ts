import { describe, expect, it } from "vitest";
import { checkNonNegative, checkQuantile, checkRate, checkServers, checkStable } from "../../src/queueing/arguments.js";

describe("queueing argument checks", () => {
  it("checkRate accepts finite positive rates and names a bad one", () => {
    expect(() => checkRate("arrival rate", 1e-9)).not.toThrow();
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => checkRate("arrival rate", bad)).toThrow(
        new RangeError(`invalid arrival rate: ${bad} (expected a finite number above 0)`),
      );
    }
  });

  it("checkNonNegative accepts 0 and rejects negatives and non-finite values", () => {
    expect(() => checkNonNegative("service variance", 0)).not.toThrow();
    expect(() => checkNonNegative("service variance", -0.5)).toThrow(
      new RangeError("invalid service variance: -0.5 (expected a finite number of at least 0)"),
    );
    expect(() => checkNonNegative("offered load", Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it("checkServers wants a positive integer", () => {
    expect(() => checkServers(1)).not.toThrow();
    for (const bad of [0, -3, 1.5, Number.NaN]) {
      expect(() => checkServers(bad)).toThrow(new RangeError(`invalid servers: ${bad} (expected a positive integer)`));
    }
  });

  it("checkQuantile accepts [0, 1) only", () => {
    expect(() => checkQuantile(0)).not.toThrow();
    expect(() => checkQuantile(0.999)).not.toThrow();
    for (const bad of [1, -0.01, Number.NaN]) {
      expect(() => checkQuantile(bad)).toThrow(
        new RangeError(`invalid quantile: ${bad} (expected a number in [0, 1))`),
      );
    }
  });

  it("checkStable returns the utilization and rejects it at 1 or above", () => {
    expect(checkStable(3, 4, "x")).toBe(0.75);
    expect(() => checkStable(4.4, 4, "offered load 4.4 on 4 servers")).toThrow(
      new RangeError("invalid utilization: 1.1 (expected below 1 for a stable queue; offered load 4.4 on 4 servers)"),
    );
  });
});
