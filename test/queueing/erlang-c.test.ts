import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { erlangB, erlangC, mmcMeanSojourn, mmcMeanWait, mmcWaitQuantile } from "../../src/queueing/erlang-c.js";
import { mm1MeanWait, mm1WaitQuantile } from "../../src/queueing/mm1.js";

// Hand computation for c = 4, a = 16/5 (utilization 0.8), with the textbook sums:
//   a^k/k! for k = 0..3: 1, 16/5, 128/25, 2048/375;  a^4/4! = 8192/1875
//   Erlang B = (8192/1875) / (1 + 16/5 + 128/25 + 2048/375 + 8192/1875) = 8192/35907
//   Erlang C = (8192/1875 * 4/(4 - 16/5)) / (1 + 16/5 + 128/25 + 2048/375 + 8192/1875 * 5) = 8192/13735
const B_4_32 = 8192 / 35907;
const C_4_32 = 8192 / 13735;

describe("erlangB", () => {
  it("erlangB(2, 1) is 1/5 and erlangB(4, 3.2) is 8192/35907", () => {
    expect(erlangB(1, 1)).toBeCloseTo(0.5, 15);
    expect(erlangB(2, 1)).toBeCloseTo(0.2, 15);
    expect(erlangB(4, 3.2)).toBeCloseTo(B_4_32, 14);
  });

  it("erlangB(c, 0) is 0: nobody is ever blocked without load", () => {
    expect(erlangB(3, 0)).toBe(0);
  });

  it("erlangB accepts overload (a loss system is always stable)", () => {
    // c = 1, a = 3: B = a / (1 + a) = 3/4.
    expect(erlangB(1, 3)).toBeCloseTo(0.75, 15);
  });
});

describe("erlangC", () => {
  it("erlangC(2, 1) is 1/3 and erlangC(4, 3.2) is 8192/13735", () => {
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 15);
    expect(erlangC(4, 3.2)).toBeCloseTo(C_4_32, 14);
  });

  it("erlangC(1, a) is the utilization a (M/M/1 waits with probability rho)", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.999, noNaN: true }), (a) => {
        expect(erlangC(1, a)).toBeCloseTo(a, 14);
      }),
    );
  });

  it("erlangC(1000, 950) stays accurate where a^c / c! overflows", () => {
    // Exact rational arithmetic in Python (fractions.Fraction over the textbook sums):
    //   C = (a^c/c! * c/(c-a)) / (sum_{k<c} a^k/k! + a^c/c! * c/(c-a)) with c = 1000, a = 950
    //   -> 0.06825341537714143; Erlang B -> 0.0036492936889424097
    expect(erlangC(1000, 950) / 0.06825341537714143 - 1).toBeLessThan(1e-12);
    expect(Math.abs(erlangB(1000, 950) / 0.0036492936889424097 - 1)).toBeLessThan(1e-12);
  });

  it("erlangC lies in [erlangB, 1] and grows with the load", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        (c, r1, r2) => {
          const [lo, hi] = r1 <= r2 ? [r1, r2] : [r2, r1];
          const cLo = erlangC(c, lo * c);
          const cHi = erlangC(c, hi * c);
          expect(cLo).toBeGreaterThanOrEqual(erlangB(c, lo * c) - 1e-15);
          expect(cHi).toBeLessThanOrEqual(1);
          expect(cHi).toBeGreaterThanOrEqual(cLo - 1e-12);
        },
      ),
    );
  });

  it("erlangC rejects bad servers, loads and unstable queues with the value named", () => {
    expect(() => erlangC(0, 1)).toThrow(new RangeError("invalid servers: 0 (expected a positive integer)"));
    expect(() => erlangC(2.5, 1)).toThrow(new RangeError("invalid servers: 2.5 (expected a positive integer)"));
    expect(() => erlangC(4, -1)).toThrow(
      new RangeError("invalid offered load: -1 (expected a finite number of at least 0)"),
    );
    expect(() => erlangC(4, 4)).toThrow(
      new RangeError("invalid utilization: 1 (expected below 1 for a stable queue; offered load 4 on 4 servers)"),
    );
    expect(() => erlangB(4, Number.NaN)).toThrow(
      new RangeError("invalid offered load: NaN (expected a finite number of at least 0)"),
    );
  });
});

describe("mmcMeanWait", () => {
  it("mmcMeanWait(3.2, 1, 4) is C / (c mu - lambda) = (8192/13735) / 0.8", () => {
    expect(mmcMeanWait(3.2, 1, 4)).toBeCloseTo(C_4_32 / 0.8, 13);
    expect(mmcMeanSojourn(3.2, 1, 4)).toBeCloseTo(C_4_32 / 0.8 + 1, 13);
  });

  it("mmcMeanWait with one server equals the M/M/1 wait rho / (mu - lambda)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 0.99, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        (rho, mu) => {
          const w = mmcMeanWait(rho * mu, mu, 1);
          expect(Math.abs(w / mm1MeanWait(rho * mu, mu) - 1)).toBeLessThan(1e-12);
        },
      ),
    );
  });

  it("mmcMeanWait scales with the time unit: rates k times smaller, waits k times longer", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
        (c, rho, k) => {
          const w1 = mmcMeanWait(rho * c, 1, c);
          const wk = mmcMeanWait((rho * c) / k, 1 / k, c);
          expect(Math.abs(wk / (k * w1) - 1)).toBeLessThan(1e-9);
        },
      ),
    );
  });

  it("mmcMeanWait rejects bad rates and an unstable queue with the value named", () => {
    expect(() => mmcMeanWait(0, 1, 4)).toThrow(
      new RangeError("invalid arrival rate: 0 (expected a finite number above 0)"),
    );
    expect(() => mmcMeanWait(1, Number.POSITIVE_INFINITY, 4)).toThrow(
      new RangeError("invalid service rate: Infinity (expected a finite number above 0)"),
    );
    expect(() => mmcMeanWait(1, 1, 0)).toThrow(new RangeError("invalid servers: 0 (expected a positive integer)"));
    expect(() => mmcMeanWait(5, 1, 4)).toThrow(
      new RangeError(
        "invalid utilization: 1.25 (expected below 1 for a stable queue; arrival rate 5 / (4 servers * service rate 1))",
      ),
    );
  });
});

describe("mmcWaitQuantile", () => {
  it("mmcWaitQuantile(3.2, 1, 4, p) is ln(C / (1 - p)) / 0.8 above the atom at 0", () => {
    expect(mmcWaitQuantile(3.2, 1, 4, 0.5)).toBeCloseTo(Math.log(C_4_32 / 0.5) / 0.8, 13); // 0.22044741...
    expect(mmcWaitQuantile(3.2, 1, 4, 0.99)).toBeCloseTo(Math.log(C_4_32 / 0.01) / 0.8, 12); // 5.11047616...
    expect(mmcWaitQuantile(3.2, 1, 4, 0.99)).toBeCloseTo(5.110476168422507, 12);
  });

  it("mmcWaitQuantile is 0 for p at or below 1 - C (those customers never wait)", () => {
    expect(mmcWaitQuantile(3.2, 1, 4, 0)).toBe(0);
    expect(mmcWaitQuantile(3.2, 1, 4, 0.4)).toBe(0); // 1 - C = 0.4036
  });

  it("mmcWaitQuantile inverts P(W > t) = C exp(-(c mu - lambda) t)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.double({ min: 0.05, max: 0.98, noNaN: true }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (c, rho, p) => {
          const lambda = rho * c;
          const q = mmcWaitQuantile(lambda, 1, c, p);
          const waitProbability = erlangC(c, lambda);
          if (1 - p >= waitProbability) expect(q).toBe(0);
          else expect(waitProbability * Math.exp(-(c - lambda) * q)).toBeCloseTo(1 - p, 10);
        },
      ),
    );
  });

  it("mmcWaitQuantile with one server equals the M/M/1 quantile", () => {
    for (const p of [0.1, 0.5, 0.9, 0.999]) {
      expect(mmcWaitQuantile(0.7, 1, 1, p)).toBeCloseTo(mm1WaitQuantile(0.7, 1, p), 12);
    }
  });

  it("mmcWaitQuantile rejects p outside [0, 1)", () => {
    expect(() => mmcWaitQuantile(3.2, 1, 4, 1)).toThrow(
      new RangeError("invalid quantile: 1 (expected a number in [0, 1))"),
    );
    expect(() => mmcWaitQuantile(3.2, 1, 4, -0.1)).toThrow(
      new RangeError("invalid quantile: -0.1 (expected a number in [0, 1))"),
    );
  });
});
