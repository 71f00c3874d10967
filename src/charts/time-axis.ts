/**
 * Time axes: the unit is the largest of s, ms, µs, ns in which the span (or value) reaches 2, so
 * ticks read "0, 5, 10 ms" rather than "0, 0.005, 0.01 s", and the label carries the unit.
 */
import { scaleLinear } from "d3-scale";
import type { Nanos } from "../engine/time.js";
import { textWidth } from "./text-measure.js";
import { AXIS_SIZE } from "./theme.js";

export interface TimeUnit {
  /** Shown in axis labels, e.g. "time (ms)". */
  label: "s" | "ms" | "µs" | "ns";
  /** Nanoseconds per unit. */
  divisor: number;
}

const UNITS: readonly TimeUnit[] = [
  { label: "s", divisor: 1e9 },
  { label: "ms", divisor: 1e6 },
  { label: "µs", divisor: 1e3 },
  { label: "ns", divisor: 1 },
];

/** The unit for an axis spanning `span` ns (or showing values up to `span` ns). */
export function timeUnitFor(span: Nanos): TimeUnit {
  const magnitude = Math.abs(span);
  for (const unit of UNITS) {
    if (magnitude >= 2 * unit.divisor) return unit;
  }
  return UNITS[UNITS.length - 1] as TimeUnit;
}

/** "12.3 ms": a duration in ns in the largest unit that keeps it at or above 1, to 3 significant digits. */
export function formatNanos(value: Nanos): string {
  if (value === 0) return "0";
  const unit = UNITS.find((u) => Math.abs(value) >= u.divisor) ?? (UNITS[UNITS.length - 1] as TimeUnit);
  const scaled = value / unit.divisor;
  return `${Number(scaled.toPrecision(3))} ${unit.label}`;
}

/** A duration in the largest fitting unit with every digit it has: "2.066 s". */
function formatExact(value: Nanos): string {
  const unit = UNITS.find((u) => Math.abs(value) >= u.divisor) ?? (UNITS[UNITS.length - 1] as TimeUnit);
  return `${Number((value / unit.divisor).toFixed(9))} ${unit.label}`;
}

export interface TimeAxis {
  unit: TimeUnit;
  /** Time (ns) that axis value 0 stands for. */
  origin: Nanos;
  /** Axis label, e.g. "time (ms)" or "time after 1 s (µs)". */
  label: string;
  /** Axis value of a time in ns. */
  value: (t: Nanos) => number;
  ticks: number[];
  format: (v: number) => string;
  /** Width in px of the widest tick label. */
  labelWidth: number;
}

/**
 * A time axis over [start, end] ns with about one tick per `spacing` px over `pixels` px. A window
 * far from 0 is measured from its own start, so ticks read "0, 100, 200" and not "1,000,100".
 */
export function timeAxis(window: readonly [Nanos, Nanos], pixels: number, spacing = 90): TimeAxis {
  const [start, end] = window;
  const unit = timeUnitFor(end - start);
  // The origin is the window's start cut down to a whole axis unit, so the label can state it
  // exactly ("time after 2.066 s", not a rounded "2.07 s" that is 3.5 ms off on a ms axis).
  const origin = start > 10 * (end - start) ? Math.floor(start / unit.divisor) * unit.divisor : 0;
  const value = (t: Nanos): number => (t - origin) / unit.divisor;
  const scale = scaleLinear().domain([value(start), value(end)]);
  const count = Math.max(2, Math.floor(pixels / spacing));
  const d3format = scale.tickFormat(count);
  const format = (v: number): string => d3format(v).replace("\u2212", "-");
  const ticks = scale.ticks(count);
  const label = origin === 0 ? `time (${unit.label})` : `time after ${formatExact(origin)} (${unit.label})`;
  const labelWidth = Math.max(0, ...ticks.map((t) => textWidth(format(t), AXIS_SIZE)));
  return { unit, origin, label, value, ticks, format, labelWidth };
}
