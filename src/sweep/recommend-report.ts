import {
  type ErrorParams,
  MEDIAN_SIGNED_ERROR,
  MODEL_ERROR_SOURCE,
  measuredFor,
  modelErrorReason,
  offBy,
  quantileName,
} from "./model-error.js";
import type { Evaluation, KindResult, Recommendation } from "./recommend.js";
import { mmcPredictions } from "./recommend.js";
import { describe, formatValue, isUpperBound, type Objective, type Standing } from "./slo.js";

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function interval(s: Standing, confidence: number): string {
  const o = s.objective;
  return `[${Math.round(confidence * 100)}% CI ${formatValue(o, s.lo)} to ${formatValue(o, s.hi)}]`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows.map((r) =>
    `  ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ")}`.trimEnd(),
  );
}

/** Lines comparing the simulation with Erlang C, when the configuration is M/M/c-like. */
export function mmcLines(evaluation: Evaluation): string[] {
  const predictions = mmcPredictions(evaluation);
  if (predictions === null) {
    return [`  Erlang C: no cross-check (${evaluation.mmc as string})`];
  }
  const model = evaluation.mmc as Exclude<Evaluation["mmc"], string>;
  return predictions.map(({ objective, predicted }, i) => {
    const simulated = evaluation.standings[i]?.value ?? Number.NaN;
    if (predicted === null) return `  Erlang C (M/M/${model.servers}): no prediction for ${objective.name}`;
    const diff = ((simulated - predicted) / predicted) * 100;
    const sign = diff >= 0 ? "+" : "";
    return `  Erlang C (M/M/${model.servers}): ${objective.name} ${formatValue(objective, predicted)} predicted vs ${formatValue(objective, simulated)} simulated (${sign}${diff.toFixed(1)}%)`;
  });
}

function layoutRow(r: KindResult): string[] {
  const best = r.search.best;
  if (!best || !r.cost) return [r.candidate.label, "-", "-", "-", "-"];
  return [
    r.candidate.label,
    String(best.size),
    String(r.cost.processes),
    String(r.cost.threads),
    `${Math.round(best.detail.margin * 100)}%`,
  ];
}

/** The JSON members to paste into a scenario, one a line: `"executor": {"kind":"threads","workers":12}`. */
export function fragmentLines(fragment: Record<string, unknown>): string[] {
  const keys = Object.keys(fragment);
  return keys.map((k, i) => `  ${JSON.stringify(k)}: ${JSON.stringify(fragment[k])}${i < keys.length - 1 ? "," : ""}`);
}

/** The rule the search applies, in words. */
export function ruleLine(objectives: readonly Objective[], confidence: number): string {
  const level = Math.round(confidence * 100);
  const ends = [...new Set(objectives.map((o) => (isUpperBound(o.op) ? "upper" : "lower")))].join(" or ");
  return `rule: a size meets the target when the ${level}% ${ends} bound over the replications does, not only the mean`;
}

/**
 * How each latency target allows for the model's measured error, in words (nothing for a
 * throughput target): the factor and the measurement behind it, or why there is none.
 */
export function allowanceLines(rec: Pick<Recommendation, "allowances" | "modelErrorParams">): string[] {
  const where = (params: ErrorParams) =>
    `the median of ${MODEL_ERROR_SOURCE.scenarios} random scenarios run in real CPython in ${MODEL_ERROR_SOURCE.sessions.length} sessions on ${new Set(MODEL_ERROR_SOURCE.sessions.map((d) => d.slice(0, 10))).size} days (simulated with ${params === "profile" ? "a machine profile" : "the version defaults"})`;
  return rec.allowances.flatMap(({ objective: o, allowance: a }) => {
    const reason = modelErrorReason(o.kind, o.metric, a);
    if (reason === "not a time") return [];
    if (a !== null) {
      return [
        `model error: ${o.name}'s bound (and mean) judged at ${a.factor.toFixed(3)} × the simulated value, because the model's ${quantileName(a.quantile)} ran ${offBy(a.error)} at ${where(a.params)}; this corrects the typical bias only (about half of held-out scenarios were further off); --no-model-error judges the simulation as it is`,
      ];
    }
    const q = measuredFor(o.metric);
    if (q === null) {
      return [
        `model error: not measured for ${o.name} (only p50, p95 and p99 were; p90 takes p95's): judged as simulated`,
      ];
    }
    return [
      `model error: not allowed for (--no-model-error); the model's ${quantileName(q)} ran ${offBy(MEDIAN_SIGNED_ERROR[rec.modelErrorParams][q])} at ${where(rec.modelErrorParams)}, so a size close to the target may be too small`,
    ];
  });
}

/** The report `gilsim recommend` prints: the rule, the winner with its standing and the lines to paste, then every layout. */
export function formatRecommendation(rec: Recommendation, objectives: readonly Objective[], load: string): string {
  const lines: string[] = [];
  const confidence = rec.base.run.confidence;
  const slo = objectives.map((o) => o.text).join(", ");
  lines.push(
    `target: ${slo} at ${load} (Poisson), ${rec.replications} replications per probe, up to ${rec.maxWorkers} workers`,
  );
  lines.push(ruleLine(objectives, confidence));
  lines.push(...allowanceLines(rec));
  const winner = rec.ranked[0];
  if (!winner?.search.best || !winner.cost) {
    lines.push(`no layout meets ${slo} with up to ${rec.maxWorkers} workers`);
  } else {
    const best = winner.search.best;
    lines.push(
      `recommended: ${winner.candidate.label} with ${count(best.size, ...winner.candidate.unit)} (${count(winner.cost.processes, "process", "processes")}, ${count(winner.cost.threads, "thread", "threads")})`,
    );
    for (const s of best.detail.standings) lines.push(`  ${describe(s, confidence)} ${interval(s, confidence)}`);
    const below = winner.search.below;
    if (below?.detail.standings.every((s) => s.meetsMean)) {
      const missed = below.detail.standings.filter((s) => !s.meets).map((s) => describe(s, confidence));
      lines.push(`  with ${count(below.size, ...winner.candidate.unit)}: ${missed.join("; ")}`);
    }
    lines.push(...mmcLines(best.detail));
    if (winner.fragment) {
      lines.push("paste into the scenario:");
      lines.push(...fragmentLines(winner.fragment));
    }
  }
  if (rec.ranked.length > 0) {
    lines.push(
      "layouts that meet the target, smallest first (margin: the share of the target left at the bound as judged):",
    );
    const rows = [["layout", "size", "processes", "threads", "margin"], ...rec.ranked.map(layoutRow)];
    lines.push(...table(rows));
  }
  for (const r of rec.failed) {
    lines.push(`${r.candidate.label}: no size up to ${rec.maxWorkers} meets the target`);
    const last = r.search.below;
    if (last) {
      const standings = last.detail.standings.filter((s) => !s.meets).map((s) => describe(s, confidence));
      lines.push(`  at ${count(last.size, ...r.candidate.unit)}: ${standings.join("; ")}`);
    }
    if (r.why) lines.push(`  why: ${r.why}`);
  }
  for (const r of rec.ranked) {
    if (!r.search.monotone) {
      lines.push(
        `note: ${r.candidate.label}: a size above ${r.search.best?.size} missed the target; more workers did not always help, so the answer is the smallest size seen to meet it`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

function standingJson(s: Standing) {
  const o = s.objective;
  return {
    slo: o.text,
    metric: o.metric,
    value: s.value,
    lo: s.lo,
    hi: s.hi,
    bound: s.bound,
    modelErrorFactor: s.allowance?.factor ?? null,
    judged: s.judged,
    target: o.target,
    meets: s.meets,
    meetsMean: s.meetsMean,
    headroom: s.headroom,
  };
}

function layoutJson(r: KindResult) {
  const best = r.search.best;
  return {
    layout: r.candidate.id,
    label: r.candidate.label,
    workers: best?.size ?? null,
    processes: r.cost?.processes ?? null,
    threads: r.cost?.threads ?? null,
    margin: best?.detail.margin ?? null,
    monotone: r.search.monotone,
    standings: best ? best.detail.standings.map(standingJson) : [],
    erlangC: best ? erlangJson(best.detail) : null,
    fragment: r.fragment,
    why: r.why,
    probes: r.search.probes.map((p) => ({
      workers: p.size,
      meets: p.meets,
      meetsMean: p.detail.standings.every((s) => s.meetsMean),
      margin: p.detail.margin,
    })),
  };
}

function erlangJson(evaluation: Evaluation) {
  const predictions = mmcPredictions(evaluation);
  if (predictions === null) return { applies: false, reason: evaluation.mmc as string };
  return {
    applies: true,
    predictions: predictions.map((p, i) => ({
      slo: p.objective.text,
      predicted: p.predicted,
      simulated: evaluation.standings[i]?.value ?? null,
    })),
  };
}

/** The recommendation as plain JSON, for scripts: the winner, then every layout with its probes. */
export function recommendationJson(rec: Recommendation, objectives: readonly Objective[], rate: number) {
  const winner = rec.ranked[0];
  return {
    slo: objectives.map((o) => o.text),
    load: rate,
    replications: rec.replications,
    /** The rule: each metric's confidence bound (upper for latency, lower for throughput) must meet its target. */
    rule: { meetsAt: "confidence bound", confidence: rec.base.run.confidence },
    /** Each target's model-error factor on the bound (null: none) and the measured median error behind it. */
    modelError: rec.allowances.map(({ objective, allowance }) => ({
      slo: objective.text,
      /** Why there is no factor when there is none: turned off, not a time, or not measured. */
      applied: modelErrorReason(objective.kind, objective.metric, allowance),
      factor: allowance?.factor ?? null,
      quantile: allowance?.quantile ?? null,
      medianSignedError: allowance?.error ?? null,
      params: rec.modelErrorParams,
      source: MODEL_ERROR_SOURCE.folders.join(", "),
    })),
    maxWorkers: rec.maxWorkers,
    recommended: winner ? layoutJson(winner) : null,
    layouts: rec.ranked.map(layoutJson),
    failed: rec.failed.map(layoutJson),
  };
}
