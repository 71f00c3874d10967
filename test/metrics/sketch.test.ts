import fc from "fast-check";
import Float64HistogramModule from "hdr-histogram-js/dist/Float64Histogram.js";
import { describe, expect, test } from "vitest";
import { Random } from "../../src/engine/random.js";
import { countsIndex, LatencySketch, SKETCH_RELATIVE_ERROR } from "../../src/metrics/sketch.js";

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

/** A histogram as LatencySketch makes it, fed through the library's own recordValue. */
function referenceHistogram(values: readonly number[]) {
  const exported = Float64HistogramModule as unknown as
    | typeof Float64HistogramModule
    | typeof Float64HistogramModule.default;
  const Histogram = typeof exported === "function" ? exported : exported.default;
  const h = new Histogram(1, 2, 3);
  h.autoResize = true;
  for (const v of values) h.recordValue(v);
  return h;
}

describe("countsIndex", () => {
  test("countsIndex gives the histogram's own countsArrayIndex for integers from 0 to 2^31 - 1", () => {
    const h = referenceHistogram([]);
    const values: number[] = [];
    for (let v = 0; v <= 70_000; v++) values.push(v);
    for (let k = 1; k <= 31; k++) for (let d = -3; d <= 3; d++) values.push(2 ** k + d);
    const rng = new Random(1);
    for (let i = 0; i < 100_000; i++) values.push(Math.floor(2 ** (31 * rng.next())));
    for (const v of values.filter((x) => x >= 0 && x < 2 ** 31)) {
      if (countsIndex(h, v) !== h.countsArrayIndex(v)) expect(countsIndex(h, v)).toBe(h.countsArrayIndex(v));
    }
  });

  test("LatencySketch.record keeps the histogram recordValue keeps, past a resize and past 2^31", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 40 }), { minLength: 1, maxLength: 300 }), (values) => {
        const h = referenceHistogram(values);
        const buckets: number[] = [];
        const it = h.recordedValuesIterator;
        it.reset();
        while (it.hasNext()) {
          const b = it.next();
          buckets.push(b.valueIteratedTo, b.countAtValueIteratedTo);
        }
        const sketch = sketchOf(values);
        expect(sketch.toData().buckets).toEqual(buckets);
        for (const q of [0, 0.5, 0.9, 0.99, 1])
          expect(sketch.quantile(q)).toBe(Math.min(Math.max(...values), h.getValueAtPercentile(q * 100)));
        expect([h.minNonZeroValue, h.maxValue, h.totalCount]).toEqual([
          (sketch as unknown as { histogram: typeof h }).histogram.minNonZeroValue,
          (sketch as unknown as { histogram: typeof h }).histogram.maxValue,
          (sketch as unknown as { histogram: typeof h }).histogram.totalCount,
        ]);
      }),
    );
  });
});
