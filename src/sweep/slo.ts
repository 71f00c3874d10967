import { formatDuration, parseDuration } from "../engine/time.js";
import { rateSchema } from "../scenario/duration.js";
import type { Summary } from "./evaluate.js";
import type { Allowance } from "./model-error.js";

/** One target of a service-level objective, like `p99<100ms` or `throughput>=450/s`. */
export interface Objective {
  /** As written, trimmed: "p99<100ms". */
  text: string;
  /** The metric's short name as written: "p99", "wait.p95", "throughput". */
  name: string;
  /** The summary key it reads: "latency.p99", "wait.p95", "throughput". */
  metric: string;
  op: "<" | "<=" | ">" | ">=";
  /** Nanoseconds for times, tasks per second for throughput. */
  target: number;
  kind: "time" | "rate";
}

const LATENCY = ["p50", "p90", "p95", "p99", "max", "mean"] as const;
const WAIT = ["p99", "mean"] as const;

/** Short metric names and the summary keys they read (the scalar metrics of `replicate`). */
const METRICS: ReadonlyMap<string, string> = new Map([
  ...LATENCY.map((q) => [q, `latency.${q}`] as const),
  ...LATENCY.map((q) => [`latency.${q}`, `latency.${q}`] as const),
  ...WAIT.map((q) => [`wait.${q}`, `wait.${q}`] as const),
  ["throughput", "throughput"],
]);

const OBJECTIVE = /^([A-Za-z][\w.]*)\s*(<=|>=|<|>)\s*(.+)$/;

/**
 * Parses `--slo "p99<100ms,throughput>=450/s"`: targets joined by commas. Latency and wait
 * targets are upper bounds with a duration; throughput is a lower bound with a rate.
 * Throws a RangeError naming the target and what is wrong.
 */
export function parseSlo(text: string): Objective[] {
  const parts = text.split(",").map((p) => p.trim());
  if (parts.every((p) => p === "")) {
    throw new RangeError(`invalid --slo: ${JSON.stringify(text)} (expected targets like p99<100ms,throughput>=450/s)`);
  }
  return parts.map((part) => {
    const m = OBJECTIVE.exec(part);
    if (!m) {
      throw new RangeError(
        `invalid --slo: ${JSON.stringify(part)} (expected METRIC<VALUE, like p99<100ms or throughput>=450/s)`,
      );
    }
    const name = m[1] as string;
    const op = m[2] as Objective["op"];
    const value = (m[3] as string).trim();
    const metric = METRICS.get(name);
    if (metric === undefined) {
      throw new RangeError(`unknown --slo metric: ${name} (expected one of ${[...METRICS.keys()].join(", ")})`);
    }
    const kind = metric === "throughput" ? "rate" : "time";
    const upper = isUpperBound(op);
    if (kind === "time" && !upper) {
      throw new RangeError(`invalid --slo: ${part} (a time target is an upper bound: use < or <=)`);
    }
    if (kind === "rate" && upper) {
      throw new RangeError(`invalid --slo: ${part} (a throughput target is a lower bound: use > or >=)`);
    }
    let target: number | undefined;
    if (kind === "time") {
      target = parseDuration(value);
      if (target === undefined || target <= 0) {
        throw new RangeError(
          `invalid --slo value for ${name}: ${JSON.stringify(value)} (expected a duration above 0 like 100ms)`,
        );
      }
    } else {
      const rate = rateSchema.safeParse(/^\d+(\.\d*)?$/.test(value) ? Number(value) : value);
      if (!rate.success) {
        throw new RangeError(
          `invalid --slo value for ${name}: ${JSON.stringify(value)} (expected a rate above 0 like 450/s)`,
        );
      }
      target = rate.data;
    }
    return { text: `${name}${op}${value}`, name, metric, op, target, kind };
  });
}

/**
 * How a result stands against one objective. The rule, the same as the capacity notebook's: a
 * target is met when the confidence interval's far end meets it (the upper bound of a latency,
 * the lower bound of a throughput), not only the mean over the replications.
 */
export interface Standing {
  objective: Objective;
  /** The metric's mean over the replications. */
  value: number;
  lo: number;
  hi: number;
  /** The end of the interval the rule reads: `hi` for an upper-bound target, `lo` for a lower-bound one. */
  bound: number;
  /** The model-error allowance the bound was judged with (see model-error.ts); null for none. */
  allowance: Allowance | null;
  /** The bound as judged: times the allowance's factor when there is one, else the bound. */
  judged: number;
  /** Whether the judged bound meets the target. */
  meets: boolean;
  /** Whether the mean meets the target (true with `meets` false: "meets on the mean only"). */
  meetsMean: boolean;
  /** Share of the target left at the judged bound: (target - judged) / target for upper bounds, (judged - target) / target for lower. */
  headroom: number;
}

/** The end of a confidence interval a rule reads, in words: "95% upper bound". */
export function boundName(confidence: number, upper: boolean): string {
  return `${Math.round(confidence * 100)}% ${upper ? "upper" : "lower"} bound`;
}

/** Whether a target is an upper bound (< or <=: a latency) rather than a lower one (> or >=: a throughput). */
export function isUpperBound(op: Objective["op"]): boolean {
  return op === "<" || op === "<=";
}

function passes(op: Objective["op"], v: number, t: number): boolean {
  return op === "<" ? v < t : op === "<=" ? v <= t : op === ">" ? v > t : v >= t;
}

/**
 * Checks a summary against an objective at the far end of its confidence interval (see Standing).
 * With an allowance (a latency target only), the bound is multiplied by its factor first: the
 * model's median optimism on that quantile, so that an answer does not lean on the typical bias.
 */
export function stand(objective: Objective, summary: Summary, allowance: Allowance | null = null): Standing {
  const s = summary[objective.metric];
  if (!s) throw new Error(`the results have no metric ${objective.metric} (for --slo ${objective.text})`);
  const t = objective.target;
  const upper = isUpperBound(objective.op);
  if (allowance !== null && !(upper && objective.kind === "time")) {
    throw new Error(`a model-error allowance applies to a time target only, not ${objective.text}`);
  }
  const bound = upper ? s.hi : s.lo;
  const factor = allowance?.factor ?? 1;
  const judged = bound * factor;
  const headroom = upper ? (t - judged) / t : (judged - t) / t;
  return {
    objective,
    value: s.mean,
    lo: s.lo,
    hi: s.hi,
    bound,
    allowance,
    judged,
    meets: passes(objective.op, judged, t),
    meetsMean: passes(objective.op, s.mean * factor, t),
    headroom,
  };
}

/** A value in the objective's unit: "72.1ms" or "498/s". */
export function formatValue(objective: Objective, value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return objective.kind === "time" ? formatDuration(value) : `${Number(value.toPrecision(3))}/s`;
}

/**
 * The measured figure against the target, and the verdict by the rule:
 * "p99 72.1ms (95% upper bound 80ms) vs 100ms target: meets, 20% to spare at the bound",
 * "p99 72.1ms (95% upper bound 80ms, 89ms with the model's error allowed for) vs 100ms target: meets, 11% to spare",
 * "p99 98ms (95% upper bound 107ms) vs 100ms target: meets on the mean only",
 * "p99 2.1s (95% upper bound 2.4s) vs 100ms target: misses".
 */
export function describe(standing: Standing, confidence = 0.95): string {
  const o = standing.objective;
  const upper = isUpperBound(o.op);
  const level = boundName(confidence, upper);
  const allowed =
    standing.allowance !== null && standing.allowance.factor !== 1
      ? `, ${formatValue(o, standing.judged)} with the model's error allowed for`
      : "";
  const verdict = standing.meets
    ? `meets, ${Math.round(standing.headroom * 100)}% to spare at the bound`
    : standing.meetsMean
      ? "meets on the mean only"
      : "misses";
  return `${o.name} ${formatValue(o, standing.value)} (${level} ${formatValue(o, standing.bound)}${allowed}) vs ${formatValue(o, o.target)} target: ${verdict}`;
}
