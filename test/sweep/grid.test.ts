import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { hashSeed } from "../../src/engine/random.js";
import { parseAxes } from "../../src/sweep/axis.js";
import { Grid, pointKey, pointSeed } from "../../src/sweep/grid.js";

describe("Grid", () => {
  test("Grid.point walks the cross product with the last axis fastest", () => {
    const grid = new Grid(parseAxes(["executor.workers=1,2,3", "runtime.gil=on,off"]));
    expect(grid.size).toBe(6);
    const all = Array.from({ length: 6 }, (_, i) => grid.point(i).values);
    expect(all).toEqual([
      [1, "on"],
      [1, "off"],
      [2, "on"],
      [2, "off"],
      [3, "on"],
      [3, "off"],
    ]);
  });

  test("Grid.point gives every combination exactly once, for any axis sizes", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }), (sizes) => {
        const axes = parseAxes(sizes.map((n, i) => `workload.classes[${i}].weight=1..${n}`));
        const grid = new Grid(axes);
        expect(grid.size).toBe(sizes.reduce((a, b) => a * b, 1));
        const seen = new Set(Array.from({ length: grid.size }, (_, i) => JSON.stringify(grid.point(i).values)));
        expect(seen.size).toBe(grid.size);
      }),
    );
  });

  test("Grid.point rejects an index outside the grid", () => {
    const grid = new Grid(parseAxes(["executor.workers=1,2"]));
    expect(() => grid.point(2)).toThrow("invalid point index: 2 (expected 0 to 1)");
  });

  test("Grid.key is the same whatever the order of the axes", () => {
    const a = new Grid(parseAxes(["executor.workers=1,2", "runtime.gil=on,off"]));
    const b = new Grid(parseAxes(["runtime.gil=on,off", "executor.workers=1,2"]));
    expect(a.key(a.point(1))).toBe('executor.workers=1 runtime.gil="off"');
    expect(b.key(b.point(2))).toBe('executor.workers=1 runtime.gil="off"');
  });
});

describe("pointSeed", () => {
  test("pointSeed hashes the base seed with the point key", () => {
    const key = pointKey({ "executor.workers": 4 });
    expect(pointSeed(7, key)).toBe(hashSeed(7, `point ${key}`));
    expect(pointSeed(7, key)).not.toBe(pointSeed(8, key));
    expect(pointSeed(7, key)).not.toBe(pointSeed(7, pointKey({ "executor.workers": 5 })));
  });
});
