import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { spreadOverBuckets } from "../../src/charts/bucket-spread.js";

describe("spreadOverBuckets", () => {
  it("spreadOverBuckets adds exactly the span's length, at most one bucket width per bucket, only to buckets it overlaps", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (count, width, u, v) => {
          const total = count * width;
          const [a, b] = [u * total, v * total].sort((x, y) => x - y) as [number, number];
          const out = new Float64Array(count);
          spreadOverBuckets(out, a, b, width, count, 0);
          expect(out.reduce((s, x) => s + x, 0)).toBeCloseTo(b - a, 6);
          out.forEach((x, k) => {
            expect(x).toBeLessThanOrEqual(width + 1e-9);
            const overlap = Math.max(0, Math.min(b, (k + 1) * width) - Math.max(a, k * width));
            expect(x).toBeCloseTo(overlap, 6);
          });
        },
      ),
    );
  });

  it("spreadOverBuckets writes at (base + k) * stride + offset", () => {
    // Lane 1 of 3-bucket lanes, 3 values per bucket, value 2: buckets k = 0, 1, 2 live at 11, 14, 17.
    const out = new Float64Array(18);
    spreadOverBuckets(out, 5, 25, 10, 3, 3, 3, 2);
    const expected = new Float64Array(18);
    expected[11] = 5;
    expected[14] = 10;
    expected[17] = 5;
    expect([...out]).toEqual([...expected]);
  });
});
