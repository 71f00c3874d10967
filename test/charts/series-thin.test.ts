import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { thinSeries } from "../../src/charts/series-thin.js";

describe("thinSeries", () => {
  it("thinSeries returns short series unchanged", () => {
    const points = [1, 5, 2].map((v, time) => ({ time, v }));
    expect(thinSeries(points, (p) => p.v, [0, 3], 10)).toEqual(points);
  });

  it("thinSeries keeps, per column, the first, the highest and the last point, in time order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 200, maxLength: 2000 }),
        fc.integer({ min: 5, max: 50 }),
        (values, columns) => {
          const points = values.map((v, time) => ({ time, v }));
          const window: [number, number] = [0, values.length];
          const kept = thinSeries(points, (p) => p.v, window, columns);
          expect(kept.length).toBeLessThanOrEqual(3 * columns);
          for (let i = 1; i < kept.length; i++) expect(kept[i]?.time).toBeGreaterThan(kept[i - 1]?.time as number);
          const width = values.length / columns;
          for (let c = 0; c < columns; c++) {
            const inColumn = points.filter((p) => Math.min(columns - 1, Math.floor(p.time / width)) === c);
            if (inColumn.length === 0) continue;
            const keptHere = kept.filter((p) => inColumn.includes(p));
            expect(keptHere[0]).toBe(inColumn[0]);
            expect(keptHere.at(-1)).toBe(inColumn.at(-1));
            expect(Math.max(...keptHere.map((p) => p.v))).toBe(Math.max(...inColumn.map((p) => p.v)));
          }
        },
      ),
      { numRuns: 30, endOnFailure: true },
    );
  });
});
