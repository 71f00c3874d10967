/**
 * Categorical legends drawn as plain SVG (Plot draws its swatch legends as HTML, which cannot live
 * inside a standalone <svg>). Items flow left to right and wrap to the next row at `maxWidth`;
 * each group starts on a new row, led by its title.
 */
import type { RenderContext } from "./render.js";
import { SVG_NS } from "./svg.js";
import { type GlyphName, glyphPath } from "./symbols.js";
import { textWidth } from "./text-measure.js";
import { LEGEND_SIZE, MUTED } from "./theme.js";

export type LegendItem =
  /**
   * A filled square, for areas and bars; with `fill2`, its right half takes that colour; with
   * `hatch`, diagonal lines of that colour cross it.
   */
  | { kind: "box"; label: string; fill: string; fill2?: string; stroke?: string; opacity?: number; hatch?: string }
  /** A short line with an optional glyph on it, for line series. */
  | { kind: "line"; label: string; stroke: string; glyph?: GlyphName; dash?: string; width?: number }
  /** A lone glyph, for point marks. */
  | { kind: "glyph"; label: string; glyph: GlyphName; fill: string; stroke?: string }
  /** An open upright bar with a flat cap at each end (the error strips' median), in `stroke` with a white core. */
  | { kind: "ibeam"; label: string; stroke: string };

export interface LegendGroup {
  /** Printed before the items, e.g. "Thread state". */
  title?: string;
  items: LegendItem[];
}

/** A laid-out piece of a figure: its node, drawn from (0, 0), and its size in px. */
export interface Block {
  node: Element;
  width: number;
  height: number;
}

const SWATCH = 12;
const LINE_SWATCH = 24;
const SWATCH_GAP = 5;
const ITEM_GAP = 16;
const ROW = Math.ceil(LEGEND_SIZE * 1.7);
const GLYPH_R = 4.5;

function swatchWidth(item: LegendItem): number {
  return item.kind === "line" ? LINE_SWATCH : SWATCH;
}

function el(context: RenderContext, name: string, attributes: Record<string, string | number>): Element {
  const node = context.document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  return node;
}

function drawSwatch(context: RenderContext, item: LegendItem, x: number, cy: number): Element {
  switch (item.kind) {
    case "box": {
      const attrs: Record<string, string | number> = {
        x,
        y: cy - SWATCH / 2,
        width: SWATCH,
        height: SWATCH,
        fill: item.fill,
      };
      if (item.stroke) attrs.stroke = item.stroke;
      if (item.opacity !== undefined) attrs["fill-opacity"] = item.opacity;
      const box = el(context, "rect", attrs);
      if (item.fill2 === undefined && item.hatch === undefined) return box;
      const g = el(context, "g", {});
      g.appendChild(box);
      if (item.fill2 !== undefined) {
        g.appendChild(
          el(context, "rect", {
            x: x + SWATCH / 2,
            y: cy - SWATCH / 2,
            width: SWATCH / 2,
            height: SWATCH,
            fill: item.fill2,
          }),
        );
      }
      if (item.hatch !== undefined) {
        // Lines u + v = k across the square, clipped to it by their end points.
        const top = cy - SWATCH / 2;
        for (const k of [4, 10, 16, 22]) {
          const [u1, v1] = [Math.max(0, k - SWATCH), Math.min(SWATCH, k)];
          const [u2, v2] = [Math.min(SWATCH, k), Math.max(0, k - SWATCH)];
          g.appendChild(
            el(context, "line", {
              x1: x + u1,
              y1: top + v1,
              x2: x + u2,
              y2: top + v2,
              stroke: item.hatch,
              "stroke-width": 1.5,
            }),
          );
        }
      }
      return g;
    }
    case "line": {
      const g = el(context, "g", {});
      const attrs: Record<string, string | number> = {
        x1: x,
        x2: x + LINE_SWATCH,
        y1: cy,
        y2: cy,
        stroke: item.stroke,
        "stroke-width": item.width ?? 2,
      };
      if (item.dash) attrs["stroke-dasharray"] = item.dash;
      g.appendChild(el(context, "line", attrs));
      if (item.glyph) {
        g.appendChild(
          el(context, "path", {
            d: glyphPath(item.glyph, GLYPH_R),
            transform: `translate(${x + LINE_SWATCH / 2},${cy})`,
            fill: item.stroke,
            stroke: "#ffffff",
            "stroke-width": 0.75,
          }),
        );
      }
      return g;
    }
    case "ibeam": {
      // As the strips draw it: an outline 5 px wide with a 2 px white core, capped 12 by 3 px.
      const g = el(context, "g", {});
      const mid = x + SWATCH / 2;
      const [top, bottom] = [cy - SWATCH / 2 - 1, cy + SWATCH / 2 + 1];
      g.appendChild(
        el(context, "line", { x1: mid, x2: mid, y1: top, y2: bottom, stroke: item.stroke, "stroke-width": 5 }),
      );
      g.appendChild(
        el(context, "line", { x1: mid, x2: mid, y1: top + 2, y2: bottom - 2, stroke: "#ffffff", "stroke-width": 2 }),
      );
      for (const y of [top, bottom]) {
        g.appendChild(el(context, "rect", { x: mid - 6, y: y - 1.5, width: 12, height: 3, fill: item.stroke }));
      }
      return g;
    }
    case "glyph":
      return el(context, "path", {
        d: glyphPath(item.glyph, GLYPH_R),
        transform: `translate(${x + SWATCH / 2},${cy})`,
        fill: item.fill,
        stroke: item.stroke ?? "none",
        "stroke-width": item.stroke ? 1 : 0,
      });
  }
}

/** Lays out `groups` within `maxWidth` px. Returns an empty block (height 0) when there is nothing to show. */
export function swatchLegend(context: RenderContext, groups: LegendGroup[], maxWidth: number): Block {
  const root = el(context, "g", { "font-size": LEGEND_SIZE, "text-anchor": "start" });
  root.setAttribute("aria-label", "legend");
  let y = 0;
  let widest = 0;
  for (const group of groups) {
    if (group.items.length === 0) continue;
    let x = 0;
    const cy = y + ROW / 2;
    if (group.title) {
      const title = el(context, "text", { x: 0, y: cy, dy: "0.35em", fill: MUTED });
      title.textContent = `${group.title}:`;
      root.appendChild(title);
      x = textWidth(`${group.title}:`, LEGEND_SIZE) + 8;
    }
    const indent = x;
    let rowY = y;
    for (const item of group.items) {
      const itemWidth = swatchWidth(item) + SWATCH_GAP + textWidth(item.label, LEGEND_SIZE);
      if (x > indent && x + itemWidth > maxWidth) {
        x = indent;
        rowY += ROW;
      }
      const rowCy = rowY + ROW / 2;
      root.appendChild(drawSwatch(context, item, x, rowCy));
      const label = el(context, "text", { x: x + swatchWidth(item) + SWATCH_GAP, y: rowCy, dy: "0.35em" });
      label.textContent = item.label;
      root.appendChild(label);
      x += itemWidth;
      widest = Math.max(widest, x);
      x += ITEM_GAP;
    }
    y = rowY + ROW;
  }
  return { node: root, width: Math.min(widest, maxWidth), height: y };
}
