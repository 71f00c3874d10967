/**
 * Diagonal hatching as an SVG pattern in a plot's defs, for marks filled with `url(#id)`: lanes
 * and bars of a thread that has not started, heatmap cells that hit a cap.
 */
import type { RenderContext } from "./render.js";
import { SVG_NS } from "./svg.js";

export interface Hatch {
  id: string;
  /** Pattern tile side, px. */
  size: number;
  /** Colour under the lines; none leaves the mark below visible. */
  background?: string;
  stroke: string;
  strokeOpacity?: number;
}

export function addHatch(context: RenderContext, plot: SVGSVGElement, hatch: Hatch): void {
  const make = (name: string, attributes: Record<string, string | number>): Element => {
    const node = context.document.createElementNS(SVG_NS, name);
    for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, String(v));
    return node;
  };
  const { id, size } = hatch;
  const pattern = make("pattern", {
    id,
    width: size,
    height: size,
    patternUnits: "userSpaceOnUse",
    patternTransform: "rotate(45)",
  });
  if (hatch.background !== undefined)
    pattern.appendChild(make("rect", { width: size, height: size, fill: hatch.background }));
  pattern.appendChild(
    make("line", {
      x1: 0,
      y1: 0,
      x2: 0,
      y2: size,
      stroke: hatch.stroke,
      "stroke-width": 1.5,
      ...(hatch.strokeOpacity !== undefined ? { "stroke-opacity": hatch.strokeOpacity } : {}),
    }),
  );
  const defs = make("defs", {});
  defs.appendChild(pattern);
  plot.insertBefore(defs, plot.firstChild);
}
