/**
 * Many rectangles as a few SVG elements: one <path> per fill and opacity, each rectangle a closed
 * subpath. The timeline draws up to a few thousand state and GIL-hold rectangles; as one <rect>
 * each, creating them and computing their style took most of an update's drawing time in Chromium
 * (see DEVELOPERS.md, "Profiling the page"). The picture is the same: the rectangles of a lane
 * never overlap, so the order of drawing does not show.
 */
import type * as Plot from "@observablehq/plot";

export interface PathRect {
  /** Corners in the plot's x and y scale units. */
  x1: number;
  x2: number;
  y1: number;
  y2: number;
  fill: string;
  /** 0 to 1; a rectangle at 0 draws nothing. */
  opacity: number;
}

/** Pixels to two decimals, as short as they print. */
function px(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/**
 * A Plot mark drawing `rects` as one <path> per (fill, opacity), in the order each pair first
 * appears, with crisp edges (as the figures' rect marks).
 */
export function rectPaths(rects: readonly PathRect[]): Plot.RenderFunction {
  return (_index, scales, _values, _dimensions, context) => {
    const x = scales.x as (v: number) => number;
    const y = scales.y as (v: number) => number;
    const groups = new Map<string, { fill: string; opacity: number; d: string[] }>();
    for (const r of rects) {
      if (!(r.opacity > 0)) continue;
      const key = `${r.fill} ${r.opacity}`;
      let g = groups.get(key);
      if (!g) {
        g = { fill: r.fill, opacity: r.opacity, d: [] };
        groups.set(key, g);
      }
      const a = x(r.x1);
      const b = x(r.x2);
      const top = y(r.y1);
      const bottom = y(r.y2);
      if (!(Number.isFinite(a) && Number.isFinite(b) && Number.isFinite(top) && Number.isFinite(bottom))) continue;
      g.d.push(`M${px(a)},${px(top)}H${px(b)}V${px(bottom)}H${px(a)}Z`);
    }
    const document = context.document;
    const svg = "http://www.w3.org/2000/svg";
    const root = document.createElementNS(svg, "g");
    root.setAttribute("shape-rendering", "crispEdges");
    for (const g of groups.values()) {
      if (g.d.length === 0) continue;
      const path = document.createElementNS(svg, "path");
      path.setAttribute("fill", g.fill);
      if (g.opacity < 1) path.setAttribute("fill-opacity", String(g.opacity));
      path.setAttribute("d", g.d.join(""));
      root.append(path);
    }
    return root;
  };
}
