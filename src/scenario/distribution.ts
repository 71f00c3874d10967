import { z } from "zod";
import {
  constant,
  type Distribution,
  empirical,
  erlang,
  exponential,
  gamma,
  lognormal,
  truncatedNormal,
  uniform,
  Z99,
} from "../engine/distributions.js";
import { formatDuration, MAX_TIME, MS, type Nanos, NS, SECOND, US } from "../engine/time.js";
import { durationSchema, positiveDurationSchema } from "./duration.js";
import { integerIn, numberIn } from "./limits.js";

/**
 * A duration distribution after parsing: every duration in integer nanoseconds. This form is
 * plain JSON, so it crosses to worker processes and reaches the Python harness unchanged.
 */
export type DistSpec =
  | { dist: "constant"; value: Nanos }
  | { dist: "uniform"; min: Nanos; max: Nanos }
  | { dist: "exponential"; mean: Nanos }
  | { dist: "normal"; mean: Nanos; sd: Nanos }
  | { dist: "lognormal"; mu: number; sigma: number }
  | { dist: "gamma"; shape: number; mean: Nanos }
  | { dist: "erlang"; k: number; mean: Nanos }
  | { dist: "empirical"; values: Nanos[]; weights: number[] };

const LOG_UNITS = { ns: NS, us: US, ms: MS, s: SECOND } as const;

const distObject = z.discriminatedUnion(
  "dist",
  [
    z.strictObject({ dist: z.literal("constant"), value: durationSchema }),
    z
      .strictObject({ dist: z.literal("uniform"), min: durationSchema, max: durationSchema })
      .refine((d) => d.max >= d.min, { error: "expected max to be at least min", path: ["max"] }),
    z.strictObject({ dist: z.literal("exponential"), mean: positiveDurationSchema }),
    z.strictObject({ dist: z.literal("normal"), mean: durationSchema, sd: durationSchema }),
    z
      .strictObject({
        dist: z.literal("lognormal"),
        median: positiveDurationSchema.optional(),
        p99: positiveDurationSchema.optional(),
        mu: z.number({ error: "expected a number" }).optional(),
        sigma: numberIn("lognormalSigma", "expected a number of at least 0").optional(),
        unit: z.enum(["ns", "us", "ms", "s"]).default("ms").meta({ description: "The unit of exp(mu)." }),
      })
      .refine(
        (d) =>
          (d.median !== undefined && d.p99 !== undefined && d.mu === undefined && d.sigma === undefined) ||
          (d.mu !== undefined && d.sigma !== undefined && d.median === undefined && d.p99 === undefined),
        { error: "expected either median and p99, or mu and sigma" },
      )
      .refine((d) => d.median === undefined || d.p99 === undefined || d.p99 >= d.median, {
        error: "expected p99 to be at least the median",
        path: ["p99"],
      }),
    z.strictObject({
      dist: z.literal("gamma"),
      shape: numberIn("gammaShape", "expected a number above 0"),
      mean: positiveDurationSchema,
    }),
    z.strictObject({ dist: z.literal("erlang"), k: integerIn("erlangK"), mean: positiveDurationSchema }),
    z
      .strictObject({
        dist: z.literal("empirical"),
        values: z.array(durationSchema).min(1, { error: "expected at least one value" }),
        weights: z.array(numberIn("weightOfValue", "expected a weight of at least 0")).optional(),
      })
      .refine((d) => d.weights === undefined || d.weights.length === d.values.length, {
        error: "expected one weight per value",
        path: ["weights"],
      })
      .refine((d) => d.weights === undefined || d.weights.some((w) => w > 0), {
        error: "expected at least one weight above 0",
        path: ["weights"],
      }),
  ],
  { error: 'expected "dist" to be one of constant, uniform, exponential, normal, lognormal, gamma, erlang, empirical' },
);

/**
 * A duration distribution in a scenario file: a plain duration (a constant) or an object with a
 * "dist" field. Parsed to a DistSpec in nanoseconds.
 */
export const distributionSchema = z
  .union([durationSchema, distObject], {
    error: 'expected a duration ("2ms") or a distribution object with a "dist" field',
  })
  .transform((d): DistSpec => {
    if (typeof d === "number") return { dist: "constant", value: d };
    switch (d.dist) {
      case "lognormal":
        if (d.median !== undefined && d.p99 !== undefined) {
          return { dist: "lognormal", mu: Math.log(d.median), sigma: Math.log(d.p99 / d.median) / Z99 };
        }
        return { dist: "lognormal", mu: (d.mu ?? 0) + Math.log(LOG_UNITS[d.unit]), sigma: d.sigma ?? 0 };
      case "empirical":
        return { dist: "empirical", values: d.values, weights: d.weights ?? d.values.map(() => 1) };
      default:
        return d;
    }
  })
  .superRefine((d, ctx) => {
    // Each parameter is in range, but together they can still ask for more than the clock holds:
    // a lognormal with mu 1000 has a mean of Infinity.
    let mean: number;
    try {
      mean = meanOf(d);
    } catch {
      mean = Number.NaN;
    }
    if (!(mean <= MAX_TIME)) {
      ctx.addIssue({
        code: "custom",
        message: `expected a distribution whose mean is at most 104 days (2^53 ns, the most the clock holds exactly); this one's is ${formatDuration(mean)}`,
      });
    }
  })
  .meta({ description: 'A duration ("2ms") or a distribution: {"dist": "exponential", "mean": "2ms"}, ...' });

/** Builds the sampler for a parsed distribution. Values are nanoseconds (not yet rounded). */
export function makeDistribution(spec: DistSpec): Distribution {
  switch (spec.dist) {
    case "constant":
      return constant(spec.value);
    case "uniform":
      return uniform(spec.min, spec.max);
    case "exponential":
      return exponential(spec.mean);
    case "normal":
      return truncatedNormal(spec.mean, spec.sd);
    case "lognormal":
      return lognormal(spec.mu, spec.sigma);
    case "gamma":
      return gamma(spec.shape, spec.mean / spec.shape);
    case "erlang":
      return erlang(spec.k, spec.mean);
    case "empirical":
      return empirical(spec.values, spec.weights);
  }
}

/** The mean of a parsed distribution, in nanoseconds. */
export function meanOf(spec: DistSpec): number {
  return makeDistribution(spec).mean;
}
