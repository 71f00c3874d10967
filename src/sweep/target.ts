import type { TimeUnit } from "../charts/time-axis.js";
import { cutShort, type Summary } from "./evaluate.js";
import { formatIn } from "./labels.js";
import {
  type Allowance,
  allowanceIf,
  type ErrorParams,
  type ModelErrorReason,
  modelErrorReason,
  offBy,
  quantileName,
} from "./model-error.js";
import { formatValue, isUpperBound, type Objective, parseSlo, type Standing, stand } from "./slo.js";

/**
 * A sweep's `--target`: one objective (the syntax of recommend's --slo) that the figures mark and
 * sweep.json / sweep.csv record for each point. A point meets it by the rule of `stand`: the far end
 * of its confidence interval meets it, not only the mean; and never when a run of the point was
 * cut short by run.until (its times are lower bounds).
 */
export interface SweepTarget {
  /** As written, trimmed: "p99<=100ms". */
  text: string;
  /** The summary key it reads: "latency.p99". */
  metric: string;
  op: Objective["op"];
  /** Nanoseconds for times, tasks per second for throughput. */
  value: number;
  /** The end of a point's confidence interval the rule reads. */
  bound: "hi" | "lo";
  /**
   * The model-error allowance the bound is judged with, as recommend judges it (see
   * model-error.ts); null or absent for none (--no-model-error, a throughput, an unmeasured metric).
   */
  allowance?: Allowance | null;
  /** Whether and why it is judged so: the allowance applied, turned off, or none for this metric. */
  modelError?: ModelErrorReason;
}

/**
 * The target judged as recommend judges it: a latency quantile with the model's measured median
 * error allowed for (`on`, the default; `params`: "profile" when a machine profile filled in the
 * scenario's costs). A throughput target, or a metric whose error was not measured, is unchanged.
 */
export function withModelError(target: SweepTarget, on: boolean, params: ErrorParams): SweepTarget {
  const { kind } = objectiveOf(target);
  const allowance = allowanceIf(on, kind, target.metric, params);
  return { ...target, allowance, modelError: modelErrorReason(kind, target.metric, allowance) };
}

/**
 * The limit the figures draw for the simulated values: the target itself, or, with an allowance,
 * the target divided by its factor (a bound meets p99 ≤ 100ms judged ×1.058 when it is ≤ 94.5ms).
 */
export function drawnLimit(target: SweepTarget): number {
  const factor = target.allowance?.factor ?? 1;
  return target.bound === "hi" ? target.value / factor : target.value;
}

/**
 * What the allowance does, for a figure's legend or a report: "a simulated bound must stay ≤
 * 94.5ms (100ms ÷ 1.058: the model's p99 ran 5.5% low against CPython at the median)"; for a
 * latency whose error was not measured, that it is judged as simulated; "" otherwise (turned off,
 * or a throughput).
 */
export function allowanceNote(target: SweepTarget, unit: TimeUnit | null = null): string {
  const a = target.allowance;
  if (target.modelError === "not measured") return "judged as simulated: the model's error on it was not measured";
  if (!a || a.factor === 1) return "";
  return `a simulated bound must stay ${OPS[target.op]} ${valueIn(target, drawnLimit(target), unit)} (${valueIn(target, target.value, unit)} ÷ ${a.factor.toFixed(3)}: the model's ${quantileName(a.quantile)} ran ${offBy(a.error)} against CPython at the median)`;
}

/** The target for a legend, short: "p99 ≤ 250ms: simulated bound ≤ 222ms (model error allowed for)". */
export function targetLegend(target: SweepTarget, unit: TimeUnit | null = null): string {
  const a = target.allowance;
  if (!a || a.factor === 1) return targetLabel(target, unit);
  return `${targetLabel(target, unit)}: simulated bound ${OPS[target.op]} ${valueIn(target, drawnLimit(target), unit)} (model error allowed for)`;
}

/**
 * The line a figure draws for the target, in few words (a colour bar's mark): "p99 ≤ 100 ms", or,
 * with a model-error allowance, "simulated bound ≤ 94.5 ms".
 */
export function drawnLabel(target: SweepTarget, unit: TimeUnit | null = null): string {
  const a = target.allowance;
  if (!a || a.factor === 1) return targetLabel(target, unit);
  return `simulated bound ${OPS[target.op]} ${valueIn(target, drawnLimit(target), unit)}`;
}

/** Parses `--target p99<=100ms` (one objective); throws a RangeError naming what is wrong. */
export function parseTarget(text: string): SweepTarget {
  if (text.includes(",")) {
    throw new RangeError(
      `invalid --target: ${JSON.stringify(text)} (expected one target, like p99<=100ms or throughput>=450/s)`,
    );
  }
  let objective: Objective;
  try {
    [objective] = parseSlo(text) as [Objective];
  } catch (error) {
    if (error instanceof RangeError) throw new RangeError(error.message.replaceAll("--slo", "--target"));
    throw error;
  }
  return {
    text: objective.text,
    metric: objective.metric,
    op: objective.op,
    value: objective.target,
    bound: isUpperBound(objective.op) ? "hi" : "lo",
  };
}

function objectiveOf(target: SweepTarget): Objective {
  const name = target.text.replace(/\s*(<=|>=|<|>).*$/, "");
  return {
    text: target.text,
    name,
    metric: target.metric,
    op: target.op,
    target: target.value,
    kind: target.metric === "throughput" ? "rate" : "time",
  };
}

/**
 * The value a point is judged by against the target: its 95% bound on the target's side, times
 * the model-error allowance's factor when there is one. Null when the point lacks the metric, or
 * when a run of it was cut short and the metric is a time: its times are lower bounds, and it
 * never meets the target (meetsTarget).
 */
export function judgedValue(target: SweepTarget, point: { summary: Summary; truncated?: number }): number | null {
  return standing(target, point)?.judged ?? null;
}

/** How a point stands against the target, or null when it lacks the metric or a time of it was cut short. */
function standing(target: SweepTarget, point: { summary: Summary; truncated?: number }): Standing | null {
  if (point.summary[target.metric] === undefined || cutShort(point, target.metric)) return null;
  return stand(objectiveOf(target), point.summary, target.allowance ?? null);
}

/**
 * Whether a point meets the target: its confidence bound does, and, for a time, no run of it was
 * cut short (its times are lower bounds then; a cut run's throughput is what it served).
 */
export function meetsTarget(target: SweepTarget, point: { summary: Summary; truncated?: number }): boolean {
  return standing(target, point)?.meets ?? false;
}

const OPS = { "<": "<", "<=": "≤", ">": ">", ">=": "≥" } as const;

/**
 * The target for people: "p99 ≤ 100ms", "throughput ≥ 450/s"; with a figure's time unit, in that
 * unit ("p99 ≤ 0.1s" on a figure in seconds), so a figure never mixes two.
 */
export function targetLabel(target: SweepTarget, unit: TimeUnit | null = null): string {
  return `${objectiveOf(target).name} ${OPS[target.op]} ${valueIn(target, target.value, unit)}`;
}

/** A value of the target's metric for people: in the figure's time unit when it has one, else as the report writes it. */
function valueIn(target: SweepTarget, value: number, unit: TimeUnit | null): string {
  const o = objectiveOf(target);
  return o.kind === "time" && unit !== null ? formatIn(target.metric, value, unit) : formatValue(o, value);
}
