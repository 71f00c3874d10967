import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fineLogAxis, linearAxis, logAxis, logTickLabel, paddedLogAxis } from "../../src/charts/axis.js";

describe("axes", () => {
  it("linearAxis widens the extent to round numbers and puts ticks inside its domain", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e9, max: 1e9 }),
        fc.integer({ min: 1, max: 1e9 }),
        fc.integer({ min: 0, max: 6 }),
        (a, b, e) => {
          const lo = a / 10 ** e;
          const span = b / 10 ** e;
          const axis = linearAxis([lo, lo + span]);
          // d3's nice() works in floating point: allow rounding error relative to the values' size.
          const eps = 1e-12 * (Math.abs(lo) + span);
          expect(axis.domain[0]).toBeLessThanOrEqual(lo + eps);
          expect(axis.domain[1]).toBeGreaterThanOrEqual(lo + span - eps);
          for (const t of axis.ticks) {
            expect(t).toBeGreaterThanOrEqual(axis.domain[0]);
            expect(t).toBeLessThanOrEqual(axis.domain[1]);
          }
          expect(axis.ticks.length).toBeGreaterThanOrEqual(2);
        },
      ),
    );
  });

  it("linearAxis with zero starts at 0 and formats ticks with d3's format and a plain minus", () => {
    const axis = linearAxis([3.2, 97], { zero: true });
    expect(axis.domain).toEqual([0, 100]);
    expect(axis.ticks.map(axis.format)).toEqual(["0", "20", "40", "60", "80", "100"]);
    const signed = linearAxis([-5, 5]);
    expect(signed.ticks.map(signed.format)[0]).toBe("\u22126");
  });

  it("linearAxis grows an empty extent to a unit around its value", () => {
    expect(linearAxis([0, 0]).domain).toEqual([0, 1]);
    expect(linearAxis([4, 4]).domain[0]).toBeLessThan(4);
  });

  it("logAxis widens to 1-2-5 values and ticks at 1, 2, 5 per decade over three decades or less", () => {
    const axis = logAxis([0.65, 220]);
    expect(axis.domain).toEqual([0.5, 500]);
    expect(axis.ticks).toEqual([0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500]);
    expect(logAxis([1, 1e6]).ticks).toEqual([1, 10, 100, 1000, 1e4, 1e5, 1e6]);
    // Over more than three decades the ticks are powers of ten, plus the ends: no point lies
    // beyond the last labelled tick (0.035 on an axis from 0.02 used to sit under the lowest, 0.1).
    const wide = logAxis([0.035, 71]);
    expect(wide.domain).toEqual([0.02, 100]);
    expect(wide.ticks).toEqual([0.02, 0.1, 1, 10, 100]);
    // An end within 2.5x of a labelled power of ten gets no tick: "1000" and "2000" would collide.
    expect(logAxis([0.3, 1900]).ticks).toEqual([0.2, 1, 10, 100, 1000]);
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
        fc.double({ min: 1e3, max: 1e9, noNaN: true }),
        (lo, span) => {
          const axis = logAxis([lo, lo * span]);
          // Every value lies within 2.5x of a labelled tick.
          expect(axis.ticks[0] as number).toBeLessThanOrEqual(lo * 2.5 * (1 + 1e-9));
          expect((axis.ticks.at(-1) as number) * 2.5).toBeGreaterThanOrEqual(lo * span * (1 - 1e-9));
        },
      ),
    );
    expect(() => logAxis([0, 10])).toThrow("invalid log extent: [0, 10] (expected positive finite values)");
  });

  it("paddedLogAxis moves an end one more step out when a point would sit within a tenth of a decade of it", () => {
    // 11.5 / 1.15 rounds down to 10, only 0.06 decade below 11.5: the end moves to 5. 800 x 1.15
    // rounds up to 1000, 0.1 decade above: it moves to 2000.
    expect(paddedLogAxis(11.5, 800, 1.15).domain).toEqual([5, 2000]);
    // With room at both ends already it is logAxis over the padded extent.
    expect(paddedLogAxis(4.5, 15, 1.15).domain).toEqual(logAxis([4.5 / 1.15, 15 * 1.15]).domain);
    expect(paddedLogAxis(4.5, 15, 1.15).domain).toEqual([2, 20]);
    // Whatever the extent, every point keeps at least a tenth of a decade (less rounding) to each end.
    for (const [lo, hi] of [
      [1.01, 9.9],
      [0.3, 0.31],
      [123, 45_000],
    ] as const) {
      const [d0, d1] = paddedLogAxis(lo, hi, 1.05).domain;
      expect(Math.log10(lo / d0)).toBeGreaterThanOrEqual(0.1 - 1e-9);
      expect(Math.log10(d1 / hi)).toBeGreaterThanOrEqual(0.1 - 1e-9);
    }
  });

  it("fineLogAxis widens to 1, 1.5, 2, 3, 4, 5, 6, 8 steps and ticks each within half a decade; paddedLogAxis uses it under a decade when asked", () => {
    expect(fineLogAxis([1.9, 4.6]).domain).toEqual([1.5, 5]);
    // Over more than half a decade the ticks are 1, 2, 3, 5 and the ends; within it, every step.
    expect(fineLogAxis([1.9, 4.6]).ticks).toEqual([1.5, 2, 3, 5]);
    expect(fineLogAxis([2.1, 3.9]).ticks).toEqual([2, 3, 4]);
    expect(fineLogAxis([7.3, 24]).domain).toEqual([6, 30]);
    expect(fineLogAxis([0.07, 0.11]).ticks).toEqual([0.06, 0.08, 0.1, 0.15]);
    expect(fineLogAxis([65, 780]).ticks).toEqual([60, 100, 200, 300, 500, 800]);
    // The same data on 1-2-5 steps, and asked without `fine`: a whole decade.
    expect(paddedLogAxis(2.2, 4, 1.15).domain).toEqual([1, 10]);
    expect(paddedLogAxis(2.2, 4, 1.15, 10 ** 0.1, true).domain).toEqual([1.5, 6]);
    // A decade or more of padded data keeps the 1-2-5 axis.
    const wide = paddedLogAxis(1, 20, 1.15, 10 ** 0.1, true);
    expect([wide.domain, wide.ticks]).toEqual([paddedLogAxis(1, 20, 1.15).domain, paddedLogAxis(1, 20, 1.15).ticks]);
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
        fc.double({ min: 1, max: 9.9, noNaN: true }),
        (lo, k) => {
          const axis = fineLogAxis([lo, lo * k]);
          const [d0, d1] = axis.domain;
          // The domain holds the extent, ends on ticks, and spans at most the extent times two steps.
          expect(d0).toBeLessThanOrEqual(lo * (1 + 1e-9));
          expect(d1).toBeGreaterThanOrEqual(lo * k * (1 - 1e-9));
          expect(axis.ticks[0]).toBeCloseTo(d0, 9);
          expect(d1 / d0).toBeLessThanOrEqual(k * 2 * 1.5 + 1e-9);
        },
      ),
    );
  });

  it("an axis knows the width of its widest tick label", () => {
    const axis = linearAxis([0, 12000]);
    expect(axis.labelWidth).toBeGreaterThan(linearAxis([0, 12]).labelWidth);
  });
});

describe("logTickLabel", () => {
  it("groups thousands with commas, as the linear axes' labels do, and keeps three significant digits", () => {
    const cases: [number, string][] = [
      [0.05, "0.05"],
      [1, "1"],
      [999, "999"],
      [1000, "1,000"],
      [2500, "2,500"],
      [10000, "10,000"],
      [123456, "123,000"],
      [1e6, "1,000,000"],
      [-5000, "-5,000"],
      // Rounded to three digits first: these print as 1000 and -1000 would.
      [999.7, "1,000"],
      [-999.6, "-1,000"],
      [999.4, "999"],
    ];
    for (const [v, text] of cases) expect(logTickLabel(v), String(v)).toBe(text);
  });
});
