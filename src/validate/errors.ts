import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { metricsFromTrace } from "../metrics/from-trace.js";
import type { Metrics } from "../metrics/types.js";
import { simulate } from "../model/simulate.js";
import { compareMetrics, type MetricComparison } from "../real/compare.js";
import { applyProfile, DEFAULT_PROFILE_PATH, type MachineProfile, readProfile } from "../real/profile.js";
import { parseScenario, type Scenario } from "../scenario/scenario.js";
import { type RandomRecord, recordRuns } from "./record.js";

/*
 * The errors of the current model against recorded random scenarios. Each record is simulated
 * twice, with the same seed (so the same planned tasks as the real runs): with the machine profile
 * (this version's data/profiles/<version>.json when there is one, else data/validation/machine-profile.json)
 * and with the version defaults alone. Error = (simulated - real mean) / real mean, signed.
 */

export const ERROR_METRICS = [
  { key: "makespan", label: "makespan" },
  { key: "throughput", label: "throughput" },
  { key: "latency.p50", label: "p50" },
  { key: "latency.p95", label: "p95" },
  { key: "latency.p99", label: "p99" },
] as const;
export type MetricKey = (typeof ERROR_METRICS)[number]["key"];

export const PARAM_SETS = ["profile", "defaults"] as const;
export type ParamSet = (typeof PARAM_SETS)[number];
export const PARAM_SET_LABELS: Record<ParamSet, string> = {
  profile: "machine profile",
  defaults: "version defaults",
};

/** Where the per-version machine profiles live (data/profiles/<version>.json). */
export const PROFILES_DIR = fileURLToPath(new URL("../../data/profiles/", import.meta.url));

/** The machine profile to simulate a record's version with, and what to call it in a report. */
export type ProfileSource = (version: string, rec?: RandomRecord) => { profile: MachineProfile; label: string };

/**
 * Profiles by version: `fixed` for every version when given; else the record's own session profile
 * when it has one (unless `sessions` is false); else <dir>/<version>.json when it exists, else
 * `fallback`. Each file is read once.
 */
export function profileSource(
  options: { fixed?: string; dir?: string; fallback?: string; root?: string; sessions?: boolean } = {},
): ProfileSource {
  const cache = new Map<string, { profile: MachineProfile; label: string }>();
  const root = options.root ?? fileURLToPath(new URL("../../", import.meta.url));
  const label = (path: string) => (path.startsWith(root) ? path.slice(root.length) : path);
  const load = (path: string) => {
    let hit = cache.get(path);
    if (!hit) {
      hit = { profile: readProfile(path), label: label(path) };
      cache.set(path, hit);
    }
    return hit;
  };
  return (version, rec) => {
    if (options.fixed) return load(options.fixed);
    if (rec?.profile && options.sessions !== false) return { profile: rec.profile, label: "session" };
    const own = join(options.dir ?? PROFILES_DIR, `${version}.json`);
    return load(existsSync(own) ? own : (options.fallback ?? DEFAULT_PROFILE_PATH));
  };
}

export interface MetricError {
  key: MetricKey;
  simulated: number;
  /** The real runs' values, their mean, min and max. */
  real: number[];
  mean: number;
  min: number;
  max: number;
  /** (simulated - mean) / mean. */
  error: number;
}

/** One recorded scenario against the current model. */
export interface ScenarioResult {
  id: string;
  family: string;
  limited: boolean;
  arrivals: string;
  utilization: number | null;
  /** "3.11" (the scenario's runtime.python) and the interpreter that ran it ("3.11.7"). */
  version: string;
  python: string;
  /** The profile file the "profile" simulation used. */
  profile: string;
  /** The real runs disagree: their makespans differ by more than UNSTEADY of their mean. */
  unsteady: boolean;
  errors: Record<ParamSet, MetricError[]>;
}

function pickRows(rows: readonly MetricComparison[], id: string): MetricError[] {
  return ERROR_METRICS.map(({ key }) => {
    const r = rows.find((x) => x.key === key);
    if (!r || r.error === null) throw new Error(`${id}: no ${key} to compare (a real mean of 0?)`);
    return { key, simulated: r.simulated, real: r.real, mean: r.mean, min: r.min, max: r.max, error: r.error };
  });
}

/** Real runs whose makespans differ by more than this share of their mean mark a scenario unsteady. */
export const UNSTEADY = 0.1;

/**
 * The simulated metrics of a scenario, measured as compare's are: from the simulated trace,
 * through the same code that measures a real run's trace (see real/compare.ts, comparisonOf).
 */
function simulatedMetrics(s: Scenario): Metrics {
  const result = simulate(s, { seed: s.seed, trace: true });
  if (!result.trace) throw new Error(`${s.name}: the simulation recorded no trace`);
  return metricsFromTrace(result.trace, { warmup: s.run.warmup });
}

/** Simulates a record's scenario with both parameter sets and compares each with its real runs. */
export function evaluateRecord(rec: RandomRecord, profiles: ProfileSource): ScenarioResult {
  const version = String((rec.input.runtime as { python?: string } | undefined)?.python ?? "");
  const { profile, label } = profiles(version, rec);
  const withProfile = parseScenario(applyProfile(rec.input, profile), rec.id);
  const plain = parseScenario(rec.input, rec.id);
  const reals = recordRuns(rec).map((r) => metricsFromTrace(r.trace, { warmup: plain.run.warmup }));
  const profileRows = pickRows(compareMetrics(simulatedMetrics(withProfile), reals), rec.id);
  const makespan = profileRows[0] as MetricError;
  return {
    id: rec.id,
    family: rec.drawn.family,
    limited: rec.drawn.limited,
    arrivals: rec.drawn.arrivals,
    utilization: rec.drawn.utilization,
    version,
    python: rec.python.version,
    profile: label,
    unsteady: (makespan.max - makespan.min) / makespan.mean > UNSTEADY,
    errors: {
      profile: profileRows,
      defaults: pickRows(compareMetrics(simulatedMetrics(plain), reals), rec.id),
    },
  };
}

/** The error distribution of one metric (or of all of them pooled, metric "all"). */
export interface ErrorSummary {
  metric: MetricKey | "all";
  n: number;
  medianAbs: number;
  /** Share of scenario-metrics with |error| <= 15%. */
  within15: number;
  meanSigned: number;
  medianSigned: number;
  /** The largest |error|, signed, and its scenario. */
  worst: { error: number; id: string };
}

export const WITHIN = 0.15;

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function summary(metric: ErrorSummary["metric"], points: readonly { error: number; id: string }[]): ErrorSummary {
  let worst = { error: 0, id: "" };
  for (const p of points) if (Math.abs(p.error) > Math.abs(worst.error) || worst.id === "") worst = p;
  return {
    metric,
    n: points.length,
    medianAbs: median(points.map((p) => Math.abs(p.error))),
    within15:
      points.length === 0 ? Number.NaN : points.filter((p) => Math.abs(p.error) <= WITHIN).length / points.length,
    meanSigned: points.length === 0 ? Number.NaN : points.reduce((a, p) => a + p.error, 0) / points.length,
    medianSigned: median(points.map((p) => p.error)),
    worst,
  };
}

/** The summary of each metric's points, then of all of them pooled (metric "all"). */
function perMetric(points: (key: MetricKey) => { error: number; id: string }[]): ErrorSummary[] {
  const rows = ERROR_METRICS.map(({ key }) => summary(key, points(key)));
  rows.push(
    summary(
      "all",
      ERROR_METRICS.flatMap(({ key }) => points(key)),
    ),
  );
  return rows;
}

/** Per metric, then all metrics pooled: the error distribution of `set` over `results`. */
export function summarize(results: readonly ScenarioResult[], set: ParamSet): ErrorSummary[] {
  const points = (key: MetricKey) =>
    results.map((r) => ({ error: (r.errors[set].find((e) => e.key === key) as MetricError).error, id: r.id }));
  return perMetric(points);
}

/** Results split by a property ("family", "version", "arrivals"), groups in first-seen order sorted by name. */
export function groupBy(
  results: readonly ScenarioResult[],
  by: "family" | "version" | "arrivals",
): { group: string; results: ScenarioResult[] }[] {
  const groups = new Map<string, ScenarioResult[]>();
  for (const r of results) {
    const list = groups.get(r[by]);
    if (list) list.push(r);
    else groups.set(r[by], [r]);
  }
  const order = (g: string) => (by === "version" ? Number(g.split(".")[1]) : 0);
  return [...groups.entries()]
    .sort((a, b) => order(a[0]) - order(b[0]) || a[0].localeCompare(b[0]))
    .map(([group, list]) => ({ group, results: list }));
}

/**
 * How well real CPython predicts itself: per metric, each real run against the mean of the other
 * runs of its scenario, (run - mean of the others) / mean of the others, pooled over scenarios and
 * runs. A model cannot be expected to beat this by much: it is the measurement's own noise.
 */
export function noiseFloor(results: readonly ScenarioResult[]): ErrorSummary[] {
  const points = (key: MetricKey) =>
    results.flatMap((r) => {
      const e = r.errors.profile.find((x) => x.key === key) as MetricError;
      if (e.real.length < 2) return [];
      return e.real.map((v, k) => {
        const others = e.real.filter((_, j) => j !== k);
        const mean = others.reduce((a, b) => a + b, 0) / others.length;
        return { error: (v - mean) / mean, id: r.id };
      });
    });
  return perMetric(points);
}

/** The accuracy targets of issue 11 for random scenarios. */
export const TARGETS = {
  /** Machine profile: median |error| of p50, p95 and p99, each. */
  percentileMedianAbs: 0.05,
  /** Machine profile: share of scenario-metrics (all five metrics) within 15%. */
  within15: 0.9,
  /** Machine profile: |mean signed error| of p99. */
  p99MeanSigned: 0.03,
  /** Version defaults: median |error| of all scenario-metrics pooled. */
  defaultsMedianAbs: 0.15,
} as const;

export interface TargetResult {
  name: string;
  value: number;
  /** "<= 5%", ">= 90%", "within ±3%". */
  target: string;
  met: boolean;
}

/** Each target against `results`. */
export function checkTargets(results: readonly ScenarioResult[]): TargetResult[] {
  const p = summarize(results, "profile");
  const d = summarize(results, "defaults");
  const get = (rows: ErrorSummary[], metric: ErrorSummary["metric"]) =>
    rows.find((r) => r.metric === metric) as ErrorSummary;
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  const out: TargetResult[] = [];
  for (const m of ["latency.p50", "latency.p95", "latency.p99"] as const) {
    const value = get(p, m).medianAbs;
    out.push({
      name: `median |error| of ${m.slice(8)}, machine profile`,
      value,
      target: `<= ${pct(TARGETS.percentileMedianAbs)}`,
      met: value <= TARGETS.percentileMedianAbs,
    });
  }
  const within = get(p, "all").within15;
  out.push({
    name: "scenario-metrics within 15%, machine profile",
    value: within,
    target: `>= ${pct(TARGETS.within15)}`,
    met: within >= TARGETS.within15,
  });
  const bias = get(p, "latency.p99").meanSigned;
  out.push({
    name: "mean signed error of p99, machine profile",
    value: bias,
    target: `within ±${pct(TARGETS.p99MeanSigned)}`,
    met: Math.abs(bias) <= TARGETS.p99MeanSigned,
  });
  const defaults = get(d, "all").medianAbs;
  out.push({
    name: "median |error| of all metrics, version defaults",
    value: defaults,
    target: `<= ${pct(TARGETS.defaultsMedianAbs)}`,
    met: defaults <= TARGETS.defaultsMedianAbs,
  });
  return out;
}

/**
 * How far the machine moved between two recording sessions of the same scenarios: per metric, the
 * earlier session's real mean against the current one's, (earlier − current) / current, over the
 * scenarios both recorded (matched by id). Like noiseFloor, this is real CPython against itself,
 * here a day or more apart.
 */
export function sessionDrift(earlier: readonly ScenarioResult[], current: readonly ScenarioResult[]): ErrorSummary[] {
  const before = new Map(earlier.map((r) => [r.id, r]));
  const points = (key: MetricKey) =>
    current.flatMap((r) => {
      const then = before.get(r.id)?.errors.profile.find((x) => x.key === key);
      const now = r.errors.profile.find((x) => x.key === key) as MetricError;
      if (!then || !(now.mean > 0) || !Number.isFinite(then.mean)) return [];
      return [{ error: (then.mean - now.mean) / now.mean, id: r.id }];
    });
  return perMetric(points);
}
