import { describe, expect, it } from "vitest";
import { mm1MeanNumber, mm1MeanSojourn, mm1MeanWait, mm1WaitQuantile } from "../../src/queueing/mm1.js";

// Textbook M/M/1 with lambda = 0.8, mu = 1 (rho = 0.8):
//   Wq = rho / (mu - lambda) = 0.8 / 0.2 = 4;  W = 1 / (mu - lambda) = 5;  L = rho / (1 - rho) = 4
//   P(Wq > t) = 0.8 exp(-0.2 t):  the 0.9-quantile is ln(0.8 / 0.1) / 0.2 = 5 ln 8 = 10.3972...
describe("mm1", () => {
  it("mm1MeanWait(0.8, 1) is 4, mm1MeanSojourn 5, mm1MeanNumber 4", () => {
    expect(mm1MeanWait(0.8, 1)).toBeCloseTo(4, 12);
    expect(mm1MeanSojourn(0.8, 1)).toBeCloseTo(5, 12);
    expect(mm1MeanNumber(0.8, 1)).toBeCloseTo(4, 12);
  });

  it("mm1MeanWait(500, 1000) per second is 1 ms (rho 0.5: Wq = 1/mu)", () => {
    expect(mm1MeanWait(500, 1000)).toBeCloseTo(0.001, 15);
  });

  it("mm1 obeys Little's law: L = lambda W", () => {
    for (const [lambda, mu] of [
      [0.3, 1],
      [9, 10],
      [2e-6, 5e-6],
    ] as const) {
      expect(mm1MeanNumber(lambda, mu)).toBeCloseTo(lambda * mm1MeanSojourn(lambda, mu), 10);
    }
  });

  it("mm1WaitQuantile(0.8, 1, 0.9) is 5 ln 8 and 0 below the atom at 0", () => {
    expect(mm1WaitQuantile(0.8, 1, 0.9)).toBeCloseTo(5 * Math.log(8), 12);
    expect(mm1WaitQuantile(0.8, 1, 0.2)).toBe(0); // exactly 1 - rho: still in the atom
    expect(mm1WaitQuantile(0.8, 1, 0)).toBe(0);
  });

  it("mm1 rejects an unstable queue and bad rates with the value named", () => {
    expect(() => mm1MeanWait(1, 1)).toThrow(
      new RangeError("invalid utilization: 1 (expected below 1 for a stable queue; arrival rate 1 / service rate 1)"),
    );
    expect(() => mm1MeanSojourn(2, 1)).toThrow(
      new RangeError("invalid utilization: 2 (expected below 1 for a stable queue; arrival rate 2 / service rate 1)"),
    );
    expect(() => mm1MeanNumber(-1, 1)).toThrow(
      new RangeError("invalid arrival rate: -1 (expected a finite number above 0)"),
    );
    expect(() => mm1MeanWait(0.5, 0)).toThrow(
      new RangeError("invalid service rate: 0 (expected a finite number above 0)"),
    );
    expect(() => mm1WaitQuantile(0.5, 1, 1.5)).toThrow(
      new RangeError("invalid quantile: 1.5 (expected a number in [0, 1))"),
    );
  });
});
