/**
 * A continuous colour legend as plain SVG: a gradient bar with ticks and a label above it.
 * (Plot's own ramp paints the colours on a <canvas>, which a headless jsdom does not have and a
 * standalone SVG should not hold.) A diverging scale puts its pivot in the middle of the bar.
 */
import { scaleLinear, scaleLog } from "d3-scale";
import type { Block } from "./legend.js";
import type { RenderContext } from "./render.js";
import { SVG_NS } from "./svg.js";
import { textWidth } from "./text-measure.js";
import { AXIS_SIZE, INK, LEGEND_SIZE } from "./theme.js";

export interface RampSpec {
  /** Colour of a value. */
  color: (value: number) => string;
  /** [min, max], or [min, pivot, max] for a diverging scale. */
  domain: readonly number[];
  /** How values spread along the bar; "log" needs positive values. Default "linear". */
  type?: "linear" | "log";
  label: string;
  width: number;
  format: (value: number) => string;
  /** A value to mark across the bar (a target): a black line with a white edge, drawn where it falls. */
  mark?: number;
}

const STOPS = 32;
const BAR = 10;
const LABEL_HEIGHT = 16;
const TICK = 4;

function el(context: RenderContext, name: string, attributes: Record<string, string | number>): Element {
  const node = context.document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  return node;
}

/** Whether a value falls on a bar of this domain (its ends included). */
export function onRamp(domain: readonly number[], value: number): boolean {
  return value >= Math.min(...domain) && value <= Math.max(...domain);
}

/** A log bar's end gets a tick when no 1-2-5 tick lies within this factor of it. */
const END_TICK_FACTOR = 1.4;

export function rampLegend(context: RenderContext, spec: RampSpec): Block {
  const { width, domain } = spec;
  if (domain.length !== 2 && domain.length !== 3)
    throw new RangeError(`invalid ramp domain: ${domain.length} values (expected 2 or 3)`);
  const range = domain.length === 2 ? [0, width] : [0, width / 2, width];
  const x = (spec.type === "log" ? scaleLog() : scaleLinear()).domain(domain).range(range);
  const g = el(context, "g", { "aria-label": `colour legend: ${spec.label}`, "font-size": AXIS_SIZE });
  const gradient = el(context, "linearGradient", { id: "ramp-gradient", x1: 0, x2: 1, y1: 0, y2: 0 });
  for (let i = 0; i <= STOPS; i++) {
    const offset = i / STOPS;
    gradient.appendChild(el(context, "stop", { offset, "stop-color": spec.color(x.invert(offset * width)) }));
  }
  const defs = el(context, "defs", {});
  defs.appendChild(gradient);
  g.appendChild(defs);
  const label = el(context, "text", {
    x: 0,
    y: LEGEND_SIZE,
    "font-size": LEGEND_SIZE,
    "text-anchor": "start",
    fill: INK,
  });
  label.textContent = spec.label;
  g.appendChild(label);
  g.appendChild(el(context, "rect", { x: 0, y: LABEL_HEIGHT, width, height: BAR, fill: "url(#ramp-gradient)" }));
  if (spec.mark !== undefined && onRamp(domain, spec.mark)) {
    const px = x(spec.mark);
    for (const [stroke, strokeWidth] of [
      ["#ffffff", 4],
      [INK, 2],
    ] as const) {
      g.appendChild(
        el(context, "line", {
          x1: px,
          x2: px,
          y1: LABEL_HEIGHT - 3,
          y2: LABEL_HEIGHT + BAR + 3,
          stroke,
          "stroke-width": strokeWidth,
          "aria-label": "mark",
        }),
      );
    }
  }
  // Ticks: d3's round values, plus the pivot of a diverging scale; labels must not run past the bar.
  const candidates =
    spec.type === "log"
      ? x.ticks().filter((t) => /^[125]/.test(t.toExponential()))
      : x.ticks(Math.max(2, Math.floor(width / 60)));
  // On a log bar the 1-2-5 ticks can stop well short of an end (up to 2 on a bar reaching 3.77):
  // the ends get ticks of their own then, so the bar says how far its colours go.
  const lo = Math.min(...domain);
  const hi = Math.max(...domain);
  const ends =
    spec.type === "log"
      ? [lo, hi].filter((e) => candidates.every((t) => Math.max(t, e) / Math.min(t, e) >= END_TICK_FACTOR))
      : [];
  const ticks = [...new Set([...candidates, ...ends, ...(domain.length === 3 ? [domain[1] as number] : [])])]
    .filter((t) => t >= lo && t <= hi)
    .sort((a, b) => a - b);
  // Every tick gets its mark; labels go to the round ticks first and to the ends only where they
  // fit, so an end's label ("0.0352") never pushes out a round one ("0.05", or the target's "100").
  const placed: [number, number][] = [];
  const endSet = new Set(ends);
  for (const pass of [false, true]) {
    for (const t of ticks) {
      if (endSet.has(t) !== pass) continue;
      const px = x(t);
      g.appendChild(
        el(context, "line", { x1: px, x2: px, y1: LABEL_HEIGHT, y2: LABEL_HEIGHT + BAR + TICK, stroke: INK }),
      );
      const text = spec.format(t);
      const half = textWidth(text, AXIS_SIZE) / 2;
      const cx = Math.min(Math.max(px, half), width - half);
      if (placed.some(([a, b]) => cx - half < b + 4 && cx + half > a - 4)) continue;
      const tick = el(context, "text", {
        x: cx,
        y: LABEL_HEIGHT + BAR + TICK + AXIS_SIZE + 1,
        "text-anchor": "middle",
        fill: INK,
      });
      tick.textContent = text;
      g.appendChild(tick);
      placed.push([cx - half, cx + half]);
    }
  }
  return { node: g, width, height: LABEL_HEIGHT + BAR + TICK + AXIS_SIZE + 4 };
}
