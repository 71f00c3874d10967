import { describe, expect, it } from "vitest";
import {
  GLYPH_NAMES,
  type GlyphName,
  glyph,
  glyphExtent,
  glyphPath,
  type PathContext,
} from "../../src/charts/symbols.js";

/** Records a glyph's polygon; returns null for glyphs drawn with arcs. */
function polygon(name: GlyphName, size: number): [number, number][] | null {
  const points: [number, number][] = [];
  let arcs = 0;
  const context: PathContext = {
    moveTo: (x, y) => points.push([x, y]),
    lineTo: (x, y) => points.push([x, y]),
    arc: () => {
      arcs++;
    },
    closePath: () => {},
  };
  glyph(name).draw(context, size);
  return arcs > 0 ? null : points;
}

function shoelace(points: [number, number][]): number {
  let sum = 0;
  points.forEach(([x, y], i) => {
    const [nx, ny] = points[(i + 1) % points.length] as [number, number];
    sum += x * ny - nx * y;
  });
  return Math.abs(sum) / 2;
}

describe("glyphs", () => {
  it("glyph(name).draw(context, size) draws a polygon of area `size` for every polygonal glyph", () => {
    for (const name of GLYPH_NAMES) {
      const points = polygon(name, 64);
      if (points === null) continue;
      expect(shoelace(points), name).toBeCloseTo(name === "diamond" ? 64 * 0.99 : 64, 6);
    }
  });

  it("glyph('circle') draws one full arc of radius sqrt(size / pi)", () => {
    const arcs: number[][] = [];
    glyph("circle").draw(
      { moveTo: () => {}, lineTo: () => {}, arc: (...a) => arcs.push(a), closePath: () => {} },
      Math.PI * 16,
    );
    expect(arcs).toEqual([[0, 0, 4, 0, 2 * Math.PI]]);
  });

  it("glyphPath(name, r) writes the glyph as path data centred on the origin", () => {
    expect(glyphPath("square", 2)).toMatch(/^M-1\.77,-1\.77L1\.77,-1\.77L1\.77,1\.77L-1\.77,1\.77Z$/);
    expect(glyphPath("circle", 3)).toBe("M3,0A3,3,0,1,1,-3,0A3,3,0,1,1,3,0Z");
    for (const name of GLYPH_NAMES) expect(glyphPath(name, 4.5), name).toMatch(/^M[-\d.,LAZ]+$/);
  });

  it("triangle points up and triangle-down points down", () => {
    const up = polygon("triangle", 30) as [number, number][];
    const down = polygon("triangle-down", 30) as [number, number][];
    expect(up[0]?.[1]).toBeLessThan(0);
    expect(down[0]?.[1]).toBeGreaterThan(0);
  });
});

describe("glyphExtent", () => {
  it("is each glyph's reach above and below its centre, from its area (that of a circle of radius r)", () => {
    const r = 4.5;
    const area = Math.PI * r * r;
    expect(glyphExtent("circle", r)).toEqual({ up: r, down: r });
    // A square of that area: half its side each way.
    const half = Math.sqrt(area) / 2;
    expect(glyphExtent("square", r).up).toBeCloseTo(half, 12);
    expect(glyphExtent("square", r).down).toBeCloseTo(half, 12);
    // An equilateral triangle of that area, centred on its centroid: 2/3 of its height up, 1/3 down.
    const height = (Math.sqrt((4 * area) / Math.sqrt(3)) * Math.sqrt(3)) / 2;
    expect(glyphExtent("triangle", r).up).toBeCloseTo((2 * height) / 3, 12);
    expect(glyphExtent("triangle", r).down).toBeCloseTo(height / 3, 12);
    expect(glyphExtent("triangle-down", r).up).toBeCloseTo(height / 3, 12);
    // The diamond is stretched upright: it reaches further than the square of the same area.
    expect(glyphExtent("diamond", r).up).toBeGreaterThan(half);
  });
});
