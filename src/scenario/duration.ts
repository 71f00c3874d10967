import { z } from "zod";
import { fromMillis, MAX_TIME, type Nanos, parseDuration } from "../engine/time.js";
import { MAX_PAYLOAD_BYTES, RATE_RANGE } from "./limits.js";

const DURATION_HINT = 'a duration like "250us", "2ms", "1.5s", or a number of milliseconds';

/** What a duration beyond the clock's range is told. */
export const TOO_LONG = "expected a duration of at most 104 days (2^53 ns, the most the clock holds exactly)";

function durationAbove(lowest: "zero" | "positive") {
  const expected = lowest === "zero" ? "expected a duration of at least 0" : "expected a duration above 0";
  return z
    .union([z.string(), z.number()], { error: `expected ${DURATION_HINT}` })
    .transform((value, ctx): Nanos => {
      const ns =
        typeof value === "number" ? (Number.isFinite(value) ? fromMillis(value) : undefined) : parseDuration(value);
      if (ns === undefined) {
        ctx.addIssue({ code: "custom", message: `expected ${DURATION_HINT}`, input: value });
        return z.NEVER;
      }
      if (lowest === "zero" ? ns < 0 : ns <= 0) {
        ctx.addIssue({ code: "custom", message: expected, input: value });
        return z.NEVER;
      }
      if (ns > MAX_TIME) {
        ctx.addIssue({ code: "custom", message: TOO_LONG, input: value });
        return z.NEVER;
      }
      return ns;
    })
    .meta({
      description: `A duration${lowest === "zero" ? "" : " above 0"}: a string with a unit ("250us", "2ms", "1.5s") or a number of milliseconds.`,
      examples: ["250us", "2ms", "1.5s", 30],
    });
}

/**
 * A duration in a scenario file: a string with a unit ("250us", "2ms", "1.5s") or a bare number
 * of milliseconds. Parsed to integer nanoseconds; negative durations are rejected.
 */
export const durationSchema = durationAbove("zero");

/** A strictly positive duration (checked on the value as written, so errors show it). */
export const positiveDurationSchema = durationAbove("positive");

const RATE = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*\/\s*(s|ms|min)\s*$/;
const PER_SECOND: Readonly<Record<string, number>> = { s: 1, ms: 1000, min: 1 / 60 };

/** A rate: "500/s", "2/ms", "30/min", or a bare number per second. Parsed to events per second. */
export const rateSchema = z
  .union([z.string(), z.number()], { error: 'expected a rate like "500/s" or a number per second' })
  .transform((value, ctx): number => {
    let perSecond: number | undefined;
    if (typeof value === "number") perSecond = value;
    else {
      const m = RATE.exec(value);
      if (m) perSecond = Number(m[1]) * (PER_SECOND[m[2] ?? "s"] ?? 1);
    }
    if (perSecond === undefined || !Number.isFinite(perSecond) || perSecond <= 0) {
      ctx.addIssue({
        code: "custom",
        message: 'expected a rate above 0 like "500/s" or a number per second',
        input: value,
      });
      return z.NEVER;
    }
    if (perSecond < RATE_RANGE.min || perSecond > RATE_RANGE.max) {
      ctx.addIssue({
        code: "custom",
        message:
          perSecond < RATE_RANGE.min
            ? "expected a rate of at least one arrival in 104 days (the clock's range)"
            : "expected a rate of at most 1e9/s (one arrival a nanosecond)",
        input: value,
      });
      return z.NEVER;
    }
    return perSecond;
  })
  .meta({ description: 'Events per second: "500/s", "2/ms", "30/min", or a number per second.' });

const SIZE = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*(B|KB|KiB|MB|MiB|GB|GiB)\s*$/;
const BYTES: Readonly<Record<string, number>> = {
  B: 1,
  KB: 1e3,
  KiB: 1024,
  MB: 1e6,
  MiB: 1024 ** 2,
  GB: 1e9,
  GiB: 1024 ** 3,
};

/** A size in bytes: "64KiB", "1.5MB", or a bare number of bytes. */
export const sizeSchema = z
  .union([z.string(), z.number()], { error: 'expected a size like "64KiB" or a number of bytes' })
  .transform((value, ctx): number => {
    let bytes: number | undefined;
    if (typeof value === "number") bytes = value;
    else {
      const m = SIZE.exec(value);
      if (m) bytes = Number(m[1]) * (BYTES[m[2] ?? "B"] ?? 1);
    }
    if (bytes === undefined || !Number.isFinite(bytes) || bytes < 0) {
      ctx.addIssue({
        code: "custom",
        message: 'expected a size of at least 0 like "64KiB" or a number of bytes',
        input: value,
      });
      return z.NEVER;
    }
    if (bytes > MAX_PAYLOAD_BYTES) {
      ctx.addIssue({ code: "custom", message: "expected a size of at most 1TiB", input: value });
      return z.NEVER;
    }
    return Math.round(bytes);
  })
  .meta({ description: 'A size: "64KiB", "1.5MB", or a number of bytes.' });
