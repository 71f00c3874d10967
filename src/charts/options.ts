/**
 * Option checks shared by the charts. Each chart normalizes its options once, through these, with
 * its defaults written in one place; a bad value throws a RangeError naming the option and the value:
 * `invalid width: -3 (expected a positive number)`.
 */
import type { FigureOptions, FigureText } from "./types.js";

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(show).join(", ")}]`;
  if (typeof value === "number" || typeof value === "boolean" || value == null) return String(value);
  return typeof value;
}

export function invalid(name: string, value: unknown, expected: string): RangeError {
  return new RangeError(`invalid ${name}: ${show(value)} (expected ${expected})`);
}

export function positiveNumber(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw invalid(name, value, "a positive number");
  }
  return value;
}

export function numberAtLeast(name: string, value: unknown, minimum: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < minimum) {
    throw invalid(name, value, `a number >= ${minimum}`);
  }
  return value;
}

export function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
    throw invalid(name, value, "a positive integer");
  }
  return value;
}

export function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw invalid(name, value, `one of ${allowed.join(", ")}`);
  }
  return value as T;
}

export function optionalText(name: string, value: unknown, fallback: string | undefined): string | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== "string") throw invalid(name, value, "a string");
  return value === "" ? undefined : value;
}

export function boolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw invalid(name, value, "true or false");
  return value;
}

/** Probabilities strictly between 0 and 1, sorted ascending with duplicates removed. */
export function probabilities(name: string, value: unknown, fallback: readonly number[]): number[] {
  if (value === undefined) return [...fallback];
  if (!Array.isArray(value) || value.some((p) => typeof p !== "number" || !(p > 0 && p < 1))) {
    throw invalid(name, value, "an array of numbers strictly between 0 and 1");
  }
  return [...new Set(value as number[])].sort((a, b) => a - b);
}

/** A [start, end] pair of finite numbers with start < end. */
export function range(name: string, value: unknown, fallback: readonly [number, number]): [number, number] {
  if (value === undefined) return [fallback[0], fallback[1]];
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    !value.every((v) => typeof v === "number" && Number.isFinite(v)) ||
    !(value[0] < value[1])
  ) {
    throw invalid(name, value, "[start, end] with start < end");
  }
  return [value[0], value[1]];
}

/** Below these sizes axes and legends no longer fit. */
export const MIN_WIDTH = 320;
export const MIN_HEIGHT = 80;

/** Resolves the options every chart shares; `defaults` holds the chart's own defaults. */
/** The text with its first letter upper-case: a title made from a quantity's name. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function figureText(options: FigureOptions, defaults: FigureText): FigureText {
  const title = optionalText("title", options.title, defaults.title);
  if (title === undefined) throw invalid("title", options.title, "a non-empty string");
  return {
    width: numberAtLeast("width", options.width, MIN_WIDTH, defaults.width),
    height: numberAtLeast("height", options.height, MIN_HEIGHT, defaults.height),
    title,
    subtitle: optionalText("subtitle", options.subtitle, defaults.subtitle),
    caption: optionalText("caption", options.caption, defaults.caption),
  };
}
