/**
 * Axis ticks computed ahead of Plot with d3-scale, so a chart knows its tick labels before it
 * renders and can size its margins to them (Plot 0.6 uses fixed margins; DejaVu Sans is wider
 * than the fonts Plot's defaults assume).
 */
import * as Plot from "@observablehq/plot";
import { scaleLinear } from "d3-scale";
import { textWidth } from "./text-measure.js";
import { AXIS_SIZE } from "./theme.js";

export interface Axis {
  type: "linear" | "log";
  domain: [number, number];
  ticks: number[];
  format: (value: number) => string;
  /** Width in px of the widest tick label. */
  labelWidth: number;
}

function finish(type: Axis["type"], domain: [number, number], ticks: number[], format: (v: number) => string): Axis {
  const labelWidth = Math.max(0, ...ticks.map((t) => textWidth(format(t), AXIS_SIZE)));
  return { type, domain, ticks, format, labelWidth };
}

/**
 * A linear axis over [lo, hi], widened to round numbers (d3's nice). With `zero`, the domain
 * starts at 0 when the data are all positive. A zero-width extent grows to a unit around its value.
 */
export function linearAxis(extent: readonly [number, number], options: { count?: number; zero?: boolean } = {}): Axis {
  const count = options.count ?? 6;
  let [lo, hi] = extent;
  if (options.zero) lo = Math.min(0, lo);
  if (!(hi > lo)) {
    lo = lo === 0 ? 0 : lo - Math.abs(lo) / 2;
    hi = hi === 0 ? 1 : hi + Math.abs(hi) / 2;
  }
  const scale = scaleLinear().domain([lo, hi]).nice(count);
  const [d0, d1] = scale.domain() as [number, number];
  const format = scale.tickFormat(count);
  return finish("linear", [d0, d1], scale.ticks(count), format);
}

/** The largest of 1, 2, 5 times a power of ten at or below `v` (or, with `up`, the smallest at or above). */
function step125(v: number, up: boolean): number {
  return stepIn([1, 2, 5, 10], v, up);
}

/**
 * The largest of `mantissas` times a power of ten at or below `v` (or, with `up`, the smallest at
 * or above), each value passed through `round`.
 */
function stepIn(mantissas: readonly number[], v: number, up: boolean, round = (x: number) => x): number {
  const decade = 10 ** Math.floor(Math.log10(v));
  const steps = mantissas.map((m) => round(m * decade));
  return up
    ? (steps.find((s) => s >= v * (1 - 1e-12)) as number)
    : (steps.filter((s) => s <= v * (1 + 1e-12)).pop() as number);
}

/**
 * A log axis's domain: a positive extent widened outwards to `step`'s values; an extent within one
 * step grows to the step above its low end times `grow`. Throws a RangeError for a bad extent.
 */
function logDomain(
  extent: readonly [number, number],
  step: (v: number, up: boolean) => number,
  grow: number,
): [number, number] {
  const [lo, hi] = extent;
  if (!(lo > 0) || !(hi > 0) || !Number.isFinite(lo) || !Number.isFinite(hi)) {
    throw new RangeError(`invalid log extent: [${lo}, ${hi}] (expected positive finite values)`);
  }
  const d0 = step(Math.min(lo, hi), false);
  let d1 = step(Math.max(lo, hi), true);
  if (d1 <= d0) d1 = step(d0 * grow, true);
  return [d0, d1];
}

/** Every `mantissas` times a power of ten within [d0, d1], ascending: a log axis's ticks. */
function ticksIn(d0: number, d1: number, mantissas: readonly number[]): number[] {
  const ticks: number[] = [];
  for (let k = Math.floor(Math.log10(d0)); k <= Math.ceil(Math.log10(d1)); k++) {
    for (const m of mantissas) {
      const t = Number((m * 10 ** k).toPrecision(12));
      if (t >= d0 * (1 - 1e-9) && t <= d1 * (1 + 1e-9)) ticks.push(t);
    }
  }
  return ticks;
}

/** The finer steps of a log axis that spans about a decade or less (fineLogAxis). */
const FINE_STEPS = [1, 1.5, 2, 3, 4, 5, 6, 8, 10];

/** The largest fine step at or below `v` (or, with `up`, the smallest at or above). */
function stepFine(v: number, up: boolean): number {
  return stepIn(FINE_STEPS, v, up, (x) => Number(x.toPrecision(12)));
}

/**
 * A base-10 log axis over a positive extent narrower than a decade, widened to the steps 1, 1.5, 2,
 * 3, 4, 5, 6 and 8 times a power of ten: data filling a quarter of a decade are not drawn on an
 * axis ten times their spread, as 1-2-5 steps would. Each step is a tick over half a decade or
 * less; over more, 1, 2, 3, 5 and the ends.
 */
export function fineLogAxis(extent: readonly [number, number]): Axis {
  const [d0, d1] = logDomain(extent, stepFine, 1.2);
  // Every step is a tick over half a decade or less; over more, 1, 2, 3 and 5 and the two ends
  // (unless within FINE_END_RATIO of the next tick), so labels keep apart in a small panel.
  const mantissas = d1 / d0 <= 10 ** 0.5 ? FINE_STEPS.slice(0, -1) : [1, 2, 3, 5];
  let ticks = ticksIn(d0, d1, mantissas);
  if (ticks[0] !== d0 && (ticks[0] ?? Number.POSITIVE_INFINITY) / d0 >= FINE_END_RATIO) ticks = [d0, ...ticks];
  if (ticks.at(-1) !== d1 && d1 / (ticks.at(-1) ?? 0) >= FINE_END_RATIO) ticks.push(d1);
  return finish("log", [d0, d1], ticks, logTickLabel);
}

/**
 * A log axis's tick label: three significant digits, thousands grouped with commas as the linear
 * axes' d3 labels are ("10,000", "2,500", "0.05").
 */
export function logTickLabel(v: number): string {
  const text = String(Number(v.toPrecision(3)));
  // The rounded value decides: 999.7 prints as 1,000, as 1000 does.
  if (Math.abs(Number(text)) < 1000 || /e/i.test(text)) return text;
  const [whole, fraction] = text.split(".");
  const sign = (whole as string).startsWith("-") ? "-" : "";
  const digits = (whole as string).slice(sign.length).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}${digits}${fraction === undefined ? "" : `.${fraction}`}`;
}

/** How far (as a ratio) a fine axis's end must lie from the nearest tick to be ticked itself. */
const FINE_END_RATIO = 1.25;

/** How far (as a ratio) an axis end must lie from the nearest power-of-ten tick to get a tick of its own. */
const END_TICK_RATIO = 2.5;

/**
 * A base-10 log axis over a positive extent, widened to 1-2-5 values. Ticks at 1, 2, 5 times each
 * power of ten when the axis spans at most three decades, at powers of ten beyond, plus an end
 * that lies END_TICK_RATIO or more from the nearest of them.
 */
export function logAxis(extent: readonly [number, number]): Axis {
  const [d0, d1] = logDomain(extent, step125, 1.5);
  const decades = Math.log10(d1 / d0);
  const mantissas = decades <= 3 ? [1, 2, 5] : [1];
  const ticks = ticksIn(d0, d1, mantissas);
  // Over more than three decades the ticks are powers of ten; an end (a 1-2-5 value) at least
  // END_TICK_RATIO from the nearest of them is ticked too, or a point near it (0.035 on an axis
  // from 0.02 whose lowest tick is 0.1) would lie far past the last label. A nearer end (2000 by
  // 1000) is left unticked: its label would run into its neighbour's in a narrow panel.
  if (decades > 3) {
    if ((ticks[0] as number) >= d0 * END_TICK_RATIO) ticks.unshift(d0);
    if ((ticks.at(-1) as number) * END_TICK_RATIO <= d1) ticks.push(d1);
  }
  return finish("log", [d0, d1], ticks, logTickLabel);
}

/**
 * A log axis over [lo / pad, hi * pad] whose ends are also at least `room` (a tenth of a decade)
 * beyond lo and hi: where rounding to 1-2-5 steps leaves a point closer than that to an end, that
 * end moves out one more step, so points in a corner and their labels are not pressed against the
 * axes (the parity and sim-vs-real charts). With `fine`, data spanning less than a decade (padded)
 * get fineLogAxis's finer steps.
 */
export function paddedLogAxis(lo: number, hi: number, pad: number, room = 10 ** 0.1, fine = false): Axis {
  // Fine steps (fineLogAxis) when the padded data span less than a decade.
  const make = fine && (hi * pad) / (lo / pad) < 10 ? fineLogAxis : logAxis;
  const first = make([lo / pad, hi * pad]);
  const [d0, d1] = first.domain;
  const tightLow = lo / d0 < room;
  const tightHigh = d1 / hi < room;
  if (!tightLow && !tightHigh) return first;
  return make([
    tightLow ? Math.min(lo / pad, lo / room) : lo / pad,
    tightHigh ? Math.max(hi * pad, hi * room) : hi * pad,
  ]);
}

/** An axis or colour-ramp label that says when its scale is log (", log scale"): evenly spaced doublings read as linear otherwise. */
export function scaleLabel(label: string, log: boolean): string {
  return log ? `${label}, log scale` : label;
}

/**
 * Plot marks drawing `axis` at the bottom with its label centred under it. Plot thins the labels of
 * log axes by its own rule whatever tickFormat says, so log tick labels are drawn as text marks.
 */
export function axisXMarks(axis: Axis, label: string): Plot.Markish[] {
  const common = { label, labelAnchor: "center", labelArrow: "none" } as const;
  if (axis.type === "linear") return [Plot.axisX(axis.ticks, { ...common, tickFormat: axis.format })];
  return [
    Plot.axisX(axis.ticks, { ...common, text: null }),
    Plot.text(axis.ticks, { x: (t: number) => t, text: axis.format, frameAnchor: "bottom", lineAnchor: "top", dy: 9 }),
  ];
}

/** Plot marks drawing `axis` on the left with its label at the top-left corner (see axisXMarks for log axes). */
export function axisYMarks(axis: Axis, label: string): Plot.Markish[] {
  const common = { label, labelArrow: "none" } as const;
  if (axis.type === "linear") return [Plot.axisY(axis.ticks, { ...common, tickFormat: axis.format })];
  return [
    Plot.axisY(axis.ticks, { ...common, text: null }),
    Plot.text(axis.ticks, { y: (t: number) => t, text: axis.format, frameAnchor: "left", textAnchor: "end", dx: -9 }),
  ];
}
