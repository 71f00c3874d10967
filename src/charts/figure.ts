/**
 * Composes a figure: one standalone <svg> holding, top to bottom, a white page, the title and
 * subtitle, the legends, rows of panels (plots made by Plot, nested as <svg>) and the caption.
 * Text is laid out with DejaVu Sans metrics (text-measure.ts) and wraps to the figure width.
 */
import type { Block } from "./legend.js";
import type { RenderContext } from "./render.js";
import { minusSigns } from "./signs.js";
import { finishSvg, SVG_NS } from "./svg.js";
import { type FontWeight, wrapText } from "./text-measure.js";
import {
  AXIS_SIZE,
  BACKGROUND,
  CAPTION_SIZE,
  FONT_STACK,
  GAP,
  INK,
  LEADING,
  MUTED,
  PAD,
  SUBTITLE_SIZE,
  TITLE_SIZE,
} from "./theme.js";
import type { Figure, FigureText } from "./types.js";
import { bindUnits } from "./units.js";

export interface FigureSpec {
  width: number;
  title: string;
  subtitle?: string | undefined;
  /** Legend blocks, stacked under the subtitle. */
  legends?: Block[];
  /** Rows of panels; the panels of a row sit side by side, GAP px apart. */
  panels: Block[][];
  caption?: string | undefined;
}

function el(context: RenderContext, name: string, attributes: Record<string, string | number>): Element {
  const node = context.document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  return node;
}

/** Appends wrapped text at `top`; returns the height it used. */
function paragraph(
  context: RenderContext,
  parent: Element,
  text: string,
  top: number,
  maxWidth: number,
  style: { size: number; weight: FontWeight; fill: string },
): number {
  const lines = wrapText(text, maxWidth, style.size, style.weight);
  const lineHeight = style.size * LEADING;
  const node = el(context, "text", {
    x: PAD,
    y: top,
    "font-size": style.size,
    fill: style.fill,
    "text-anchor": "start",
  });
  if (style.weight === "bold") node.setAttribute("font-weight", "bold");
  lines.forEach((line, i) => {
    // Baseline sits at the font's ascent (0.93 em for DejaVu Sans) plus half the leading.
    const span = el(context, "tspan", { x: PAD, y: top + i * lineHeight + style.size * (0.93 + (LEADING - 1) / 2) });
    span.textContent = line;
    node.appendChild(span);
  });
  parent.appendChild(node);
  return lines.length * lineHeight;
}

function place(context: RenderContext, parent: Element, block: Block, x: number, y: number): void {
  const g = el(context, "g", { transform: `translate(${x},${y})` });
  g.appendChild(block.node);
  parent.appendChild(g);
}

/** Lays the pieces out and serializes the figure. */
export function composeFigure(context: RenderContext, spec: FigureSpec): Figure {
  const { width } = spec;
  // Every figure's text keeps each number on one line with its unit ("12.5 ms" never wraps apart),
  // and writes a negative number with the minus sign (U+2212), not a hyphen.
  const titleText = minusSigns(bindUnits(spec.title));
  const subtitleText = spec.subtitle === undefined ? undefined : minusSigns(bindUnits(spec.subtitle));
  const captionText = spec.caption === undefined ? undefined : minusSigns(bindUnits(spec.caption));
  const inner = width - 2 * PAD;
  const root = el(context, "svg", {
    width,
    height: 0,
    viewBox: `0 0 ${width} 0`,
    "font-family": FONT_STACK,
    "font-size": AXIS_SIZE,
    fill: INK,
    role: "img",
    "aria-label": titleText,
  });
  const title = el(context, "title", {});
  title.textContent = titleText;
  root.appendChild(title);
  if (captionText) {
    const desc = el(context, "desc", {});
    desc.textContent = captionText;
    root.appendChild(desc);
  }
  const page = el(context, "rect", { x: 0, y: 0, width, height: 0, fill: BACKGROUND });
  root.appendChild(page);

  let y = PAD;
  y += paragraph(context, root, titleText, y, inner, { size: TITLE_SIZE, weight: "bold", fill: INK });
  if (subtitleText) {
    y += paragraph(context, root, subtitleText, y, inner, { size: SUBTITLE_SIZE, weight: "normal", fill: MUTED });
  }
  y += GAP;
  for (const legend of spec.legends ?? []) {
    if (legend.height === 0) continue;
    place(context, root, legend, PAD, y);
    y += legend.height + GAP / 2;
  }
  for (const row of spec.panels) {
    let x = PAD;
    let rowHeight = 0;
    for (const panel of row) {
      place(context, root, panel, x, y);
      x += panel.width + GAP;
      rowHeight = Math.max(rowHeight, panel.height);
    }
    y += rowHeight + GAP;
  }
  if (captionText) {
    y += paragraph(context, root, captionText, y, inner, { size: CAPTION_SIZE, weight: "normal", fill: MUTED });
  }
  const height = Math.ceil(y + PAD - GAP / 2);
  root.setAttribute("height", String(height));
  root.setAttribute("viewBox", `0 0 ${width} ${height}`);
  page.setAttribute("height", String(height));
  // The caption is returned as given: a notebook compares it with its own to know it is drawn.
  return { svg: finishSvg(root, context.serializer), width, height, title: titleText, caption: spec.caption };
}

/** A panel block from a Plot svg of known size. */
export function panel(node: Element, width: number, height: number): Block {
  return { node, width, height };
}

/** A chart's figure: its resolved text and width (see figureText), its one legend, its panels. */
export function chartFigure(context: RenderContext, fig: FigureText, legend: Block, panels: Block[][]): Figure {
  return composeFigure(context, {
    width: fig.width,
    title: fig.title,
    subtitle: fig.subtitle,
    legends: [legend],
    panels,
    caption: fig.caption,
  });
}
