/**
 * Simulated time is an integer number of nanoseconds held in a JavaScript number.
 *
 * Every integer up to 2^53 is exact in a double, so sums of integer durations never drift:
 * the clock is exact for 2^53 ns, about 104 days of simulated time. Durations are rounded to
 * whole nanoseconds once, when they are sampled or parsed, and never again.
 */
export type Nanos = number;

export const NS = 1;
export const US = 1_000;
export const MS = 1_000_000;
export const SECOND = 1_000_000_000;

/** The largest time the clock can hold exactly. */
export const MAX_TIME: Nanos = Number.MAX_SAFE_INTEGER;

const UNITS: Readonly<Record<string, number>> = {
  ns: NS,
  us: US,
  µs: US,
  μs: US,
  ms: MS,
  s: SECOND,
  min: 60 * SECOND,
};

const DURATION = /^\s*(-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*(ns|us|µs|μs|ms|s|min)\s*$/i;

/**
 * Parses "250us", "2ms", "1.5s" or "3min" into integer nanoseconds ("µs" and "μs" also mean
 * microseconds). Returns undefined when the text is not a duration or its value is not a finite
 * number of nanoseconds; a negative value parses (callers decide).
 */
export function parseDuration(text: string): Nanos | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  const unit = UNITS[(match[2] ?? "").toLowerCase()];
  const ns = Math.round(Number(match[1]) * (unit ?? Number.NaN));
  return Number.isFinite(ns) ? ns : undefined;
}

/** Converts a number of milliseconds (the unit of bare numbers in scenario files) to nanoseconds. */
export function fromMillis(ms: number): Nanos {
  return Math.round(ms * MS);
}

/**
 * Formats nanoseconds with the largest unit that keeps the value at or above 1, to 3 significant
 * digits (whole nanoseconds below 1us). The value is rounded before the unit is chosen, so
 * 999,999 ns reads "1ms", not "1000us". Infinity and NaN read "Infinity", "-Infinity", "NaN".
 */
export function formatDuration(ns: Nanos): string {
  if (!Number.isFinite(ns)) return String(ns);
  const whole = Math.round(ns);
  if (Math.abs(whole) < US) return `${whole === 0 ? 0 : whole}ns`;
  const rounded = Number(ns.toPrecision(3));
  const abs = Math.abs(rounded);
  if (abs >= SECOND) return `${trim(rounded / SECOND)}s`;
  if (abs >= MS) return `${trim(rounded / MS)}ms`;
  return `${trim(rounded / US)}us`;
}

function trim(value: number): string {
  return String(Number(value.toPrecision(3)));
}
