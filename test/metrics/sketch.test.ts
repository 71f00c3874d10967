import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { LatencySketch, SKETCH_RELATIVE_ERROR } from "../../src/metrics/sketch.js";

function sketchOf(values: readonly number[]): LatencySketch {
  const s = new LatencySketch();
  for (const v of values) s.record(v);
  return s;
}

/** Latencies in ns over six decades, as integers. */
const latencies = fc.array(
  fc.integer({ min: 0, max: 12_000 }).map((e) => Math.round(10 ** (e / 2000) * 1000)),
  { minLength: 1, maxLength: 400 },
);

describe("LatencySketch", () => {
  test("LatencySketch.add of sketches cut any way, through toData and fromData, gives the summary of one sketch of every value", () => {
    fc.assert(
      fc.property(latencies, fc.array(fc.nat(), { maxLength: 6 }), (values, cuts) => {
        const at = [...new Set(cuts.map((c) => c % values.length))].sort((a, b) => a - b);
        const pieces: number[][] = [];
        let start = 0;
        for (const c of [...at, values.length]) {
          pieces.push(values.slice(start, c));
          start = c;
        }
        const pooled = new LatencySketch();
        for (const piece of pieces) pooled.add(LatencySketch.fromData(sketchOf(piece).toData()));
        expect(pooled.summary()).toEqual(sketchOf(values).summary());
      }),
    );
  });

  test("LatencySketch quantiles of pooled sketches are within the stated error of the exact quantiles of all values", () => {
    fc.assert(
      fc.property(latencies, latencies, (a, b) => {
        const pooled = sketchOf(a);
        pooled.add(sketchOf(b));
        const sorted = [...a, ...b].sort((x, y) => x - y);
        for (const q of [0.5, 0.9, 0.99]) {
          const rank = Math.max(1, Math.ceil(q * sorted.length));
          const exact = sorted[rank - 1] as number;
          // The rank may round up by one in floating point; the value is its bucket's highest.
          const next = sorted[Math.min(rank, sorted.length - 1)] as number;
          const got = pooled.quantile(q);
          expect(got).toBeGreaterThanOrEqual(exact);
          expect(got).toBeLessThanOrEqual(next * (1 + SKETCH_RELATIVE_ERROR) + 1);
        }
        expect(pooled.summary().max).toBe(sorted.at(-1));
        expect(pooled.size).toBe(sorted.length);
      }),
    );
  });
});
