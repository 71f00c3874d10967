/**
 * Renders a Plot into a render context (document.ts: one fresh document per render, JSDOM in Node,
 * the page's DOM in a browser bundle).
 */
import * as Plot from "@observablehq/plot";
import type { RenderContext } from "./document.js";
import { cleanPlotSvg, SVG_NS } from "./svg.js";
import { CLASS_NAME } from "./theme.js";

export type { RenderContext } from "./document.js";
export { createRenderContext } from "./document.js";

/** Options the figure owns; a chart must not hand them to Plot. */
const FIGURE_OWNED = ["title", "subtitle", "caption", "figure", "document", "className", "style"] as const;

/**
 * Renders a Plot into `context` and returns its cleaned <svg> (see cleanPlotSvg). Titles, captions
 * and legends belong to the figure, which draws them as SVG: Plot would wrap them in an HTML <figure>.
 */
export function plotSvg(context: RenderContext, options: Plot.PlotOptions): SVGSVGElement {
  for (const key of FIGURE_OWNED) {
    if (key in options) throw new Error(`plotSvg: the figure draws ${key}; do not pass it to Plot`);
  }
  if (options.color && "legend" in options.color && options.color.legend) {
    throw new Error("plotSvg: the figure draws legends; do not ask Plot for one");
  }
  const node = Plot.plot({ ...options, document: context.document, className: CLASS_NAME });
  if (node.namespaceURI !== SVG_NS || node.localName !== "svg") {
    throw new Error(`plotSvg: Plot returned <${node.localName}>, expected <svg>`);
  }
  const svg = node as unknown as SVGSVGElement;
  cleanPlotSvg(svg);
  return svg;
}
