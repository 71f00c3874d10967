/**
 * What an axis holds, declared by the caller and never guessed by a chart (as a Plot mark
 * declares its channels and the scales follow): the quantity, its unit, and whether it is
 * categorical, linear or log. Measured values may leave the choice to the data with "auto": a log
 * axis when they span two decades (p99 from seconds when overloaded down to milliseconds), where a
 * linear one would squash everything below its top tenth onto the zero line.
 */
import { type Axis, linearAxis, logAxis } from "./axis.js";
import { invalid } from "./options.js";

export type ScaleKind = "categorical" | "linear" | "log";

export interface Dimension {
  /** What the values are, e.g. "switch interval", "threads per worker", "p99 latency". */
  quantity: string;
  /** Unit printed after the quantity, e.g. "ms", "requests/s"; none for plain counts. */
  unit?: string;
  /** How values spread along the axis; "auto" (measured values only): log when they span two decades. */
  scale: ScaleKind | "auto";
}

/** Ratio of largest to smallest positive value at or above which "auto" picks a log axis. */
export const LOG_SPAN = 100;

/** "switch interval (ms)", or the quantity alone when it has no unit. */
export function dimensionLabel(d: Pick<Dimension, "quantity" | "unit">): string {
  return d.unit ? `${d.quantity} (${d.unit})` : d.quantity;
}

/** Checks a declared dimension; `name` says which option in the error. */
export function checkDimension(name: string, value: unknown, allowAuto: boolean): Dimension {
  const d = value as Partial<Dimension> | undefined;
  if (d === undefined || d === null || typeof d !== "object") {
    throw invalid(name, value, "{quantity, unit?, scale} declaring what the axis holds");
  }
  if (typeof d.quantity !== "string" || d.quantity === "") {
    throw invalid(`${name}.quantity`, d.quantity, "a non-empty string");
  }
  if (d.unit !== undefined && typeof d.unit !== "string") throw invalid(`${name}.unit`, d.unit, "a string");
  const scales = allowAuto ? ["categorical", "linear", "log", "auto"] : ["categorical", "linear", "log"];
  if (typeof d.scale !== "string" || !scales.includes(d.scale)) {
    throw invalid(`${name}.scale`, d.scale, `one of ${scales.join(", ")}`);
  }
  return { quantity: d.quantity, ...(d.unit !== undefined ? { unit: d.unit } : {}), scale: d.scale };
}

/** Whether positive `values` span at least LOG_SPAN (two decades) from smallest to largest. */
export function spansTwoDecades(values: readonly number[]): boolean {
  const positive = values.filter((v) => v > 0);
  if (positive.length !== values.length || positive.length === 0) return false;
  return Math.max(...positive) / Math.min(...positive) >= LOG_SPAN;
}

/** "auto" resolved against the means it would show. */
export function resolveScale(scale: Dimension["scale"], means: readonly number[]): "linear" | "log" {
  if (scale === "categorical") throw new RangeError("a measured axis cannot be categorical");
  if (scale === "auto") return spansTwoDecades(means) ? "log" : "linear";
  if (scale === "log" && means.some((v) => !(v > 0))) {
    throw new RangeError(`invalid log axis: values must be positive, got ${Math.min(...means)}`);
  }
  return scale;
}

/**
 * The axis of measured values (means with their intervals): from zero on a linear axis; on a log
 * axis from the smallest interval end, whose lower ends are first cut at half the smallest mean (a
 * t-interval from few replications can reach below zero).
 */
export function measureAxis(
  rows: readonly { mean: number; lo: number; hi: number }[],
  scale: "linear" | "log",
  count: number,
): { axis: Axis; floor: (lo: number) => number } {
  const means = rows.map((r) => r.mean);
  const top = Math.max(...rows.map((r) => r.hi));
  if (scale === "log") {
    const cut = Math.min(...means) / 2;
    const floor = (lo: number): number => Math.max(lo, cut);
    return { axis: logAxis([Math.min(...rows.map((r) => floor(r.lo))), top]), floor };
  }
  const floor = (lo: number): number => Math.max(0, lo);
  return { axis: linearAxis([Math.min(0, ...rows.map((r) => floor(r.lo))), top], { zero: true, count }), floor };
}
