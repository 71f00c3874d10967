import { describe, expect, it } from "vitest";
import { md1MeanWait, mg1MeanSojourn, mg1MeanWait } from "../../src/queueing/md1.js";
import { mm1MeanWait } from "../../src/queueing/mm1.js";

// Pollaczek-Khinchine by hand, lambda = 0.8, service mean 1 (rho = 0.8), 2 (1 - rho) = 0.4:
//   deterministic (variance 0):   Wq = 0.8 * 1   / 0.4 = 2
//   Erlang-2      (variance 1/2): Wq = 0.8 * 1.5 / 0.4 = 3
//   exponential   (variance 1):   Wq = 0.8 * 2   / 0.4 = 4  (the M/M/1 value)
describe("mg1MeanWait", () => {
  it("mg1MeanWait(0.8, 1, v) is 2, 3 and 4 for v = 0, 1/2, 1", () => {
    expect(mg1MeanWait(0.8, 1, 0)).toBeCloseTo(2, 12);
    expect(mg1MeanWait(0.8, 1, 0.5)).toBeCloseTo(3, 12);
    expect(mg1MeanWait(0.8, 1, 1)).toBeCloseTo(4, 12);
  });

  it("mg1MeanWait with exponential service (variance = mean^2) equals the M/M/1 wait", () => {
    for (const [lambda, mean] of [
      [0.1, 2],
      [0.5, 1],
      [900, 0.001],
    ] as const) {
      expect(mg1MeanWait(lambda, mean, mean * mean)).toBeCloseTo(mm1MeanWait(lambda, 1 / mean), 9);
    }
  });

  it("mg1MeanSojourn adds the mean service to the wait", () => {
    expect(mg1MeanSojourn(0.8, 1, 0.5)).toBeCloseTo(4, 12);
  });

  it("mg1MeanWait rejects a bad variance, mean or an unstable queue with the value named", () => {
    expect(() => mg1MeanWait(0.5, 1, -1)).toThrow(
      new RangeError("invalid service variance: -1 (expected a finite number of at least 0)"),
    );
    expect(() => mg1MeanWait(0.5, 0, 1)).toThrow(
      new RangeError("invalid service mean: 0 (expected a finite number above 0)"),
    );
    expect(() => mg1MeanWait(2, 0.5, 0)).toThrow(
      new RangeError("invalid utilization: 1 (expected below 1 for a stable queue; arrival rate 2 * service mean 0.5)"),
    );
  });
});

describe("md1MeanWait", () => {
  it("md1MeanWait(0.8, 1) is 2: half the M/M/1 wait at the same load", () => {
    expect(md1MeanWait(0.8, 1)).toBeCloseTo(2, 12);
    expect(md1MeanWait(0.8, 1)).toBeCloseTo(mm1MeanWait(0.8, 1) / 2, 12);
  });

  it("md1MeanWait(300/s, 2 ms) is rho s / (2 (1 - rho)) = 0.6 * 2 ms / 0.8 = 1.5 ms", () => {
    expect(md1MeanWait(300, 0.002)).toBeCloseTo(0.0015, 14);
  });

  it("md1MeanWait rejects an unstable queue", () => {
    expect(() => md1MeanWait(1, 1.5)).toThrow(
      new RangeError(
        "invalid utilization: 1.5 (expected below 1 for a stable queue; arrival rate 1 * service mean 1.5)",
      ),
    );
  });
});
