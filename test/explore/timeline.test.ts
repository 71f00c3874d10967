import { JSDOM } from "jsdom";
import { describe, expect, it } from "vitest";
import { GIL_HOLD_SHADES } from "../../src/charts/palette.js";
import { drawTimeline } from "../../src/explore/figures/timeline.js";
import { THEMES } from "../../src/explore/theme.js";
import { bigTrace } from "../fixtures/big-trace.js";

describe("the explore page's timeline", () => {
  it("drawTimeline tints each summed stretch of the GIL track by the true share of its time the GIL was held", () => {
    // 6,000 intervals in 400 px: summed per pixel column. Thread 0 alternates holding the GIL with
    // waiting for it, so a column's held share varies between about a third and two thirds.
    const trace = bigTrace(6000, 2, 11);
    const { document } = new JSDOM("<!doctype html><body></body>").window;
    const window: [number, number] = [0, trace.end];
    const { svg, geometry } = drawTimeline(document as unknown as Document, trace, {
      width: 400,
      window,
      theme: THEMES.light,
      measure: (text) => text.length * 6,
      maxIntervals: 1000,
    });
    expect(geometry.aggregated).toBe(true);
    const held = (a: number, b: number): number =>
      trace.gil.reduce((s, h) => s + Math.max(0, Math.min(b, h.end) - Math.max(a, h.start)), 0) / (b - a);
    const paths = [...svg.querySelectorAll("path")].filter((p) => p.getAttribute("fill") === GIL_HOLD_SHADES[0]);
    let checked = 0;
    const opacities = new Set<number>();
    for (const path of paths) {
      const opacity = Number(path.getAttribute("fill-opacity") ?? 1);
      opacities.add(opacity);
      for (const m of (path.getAttribute("d") ?? "").matchAll(/M([\d.]+),[\d.]+H([\d.]+)/g)) {
        const [a, b] = [geometry.time(Number(m[1])), geometry.time(Number(m[2]))];
        // Within half a step (1/100) and the 0.01 px rounding of the path's corners.
        expect(Math.abs(opacity - held(a, b)), `${m[0]} at ${opacity}`).toBeLessThanOrEqual(0.02);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
    // True shares, not four rounded-up levels.
    expect(opacities.size).toBeGreaterThan(4);
  });
});
