import {
  checkTargets,
  ERROR_METRICS,
  type ErrorSummary,
  groupBy,
  median,
  noiseFloor,
  PARAM_SET_LABELS,
  type ParamSet,
  type ScenarioResult,
  summarize,
} from "./errors.js";
import type { RandomRecord } from "./record.js";

/*
 * The random validation as Markdown tables: printed by `gilsim validate`, written beside its
 * figures, and pasted into the README (scripts and the notebook call the same functions, so the
 * numbers are computed, never typed).
 */

/**
 * "+3.2%", "-0.4%"; unsigned: "3.2%". A value that rounds to zero has no sign ("0.0%", never
 * "-0.0%"). Plain ASCII for terminals and Markdown; figures turn the hyphen into a minus sign.
 */
export function percent(x: number, signed = false): string {
  if (!Number.isFinite(x)) return "n/a";
  const p = (Math.abs(x) * 100).toFixed(Math.abs(x) >= 10 ? 0 : 1);
  if (Number(p) === 0) return `${p}%`;
  return x < 0 ? `-${p}%` : signed ? `+${p}%` : `${p}%`;
}

const LABEL = Object.fromEntries(ERROR_METRICS.map((m) => [m.key, m.label])) as Record<string, string>;
const metricLabel = (m: ErrorSummary["metric"]) => (m === "all" ? "all five" : (LABEL[m] ?? m));

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Per metric: median |error|, share within 15%, mean signed error and the worst, for both parameter sets. */
export function summaryTable(results: readonly ScenarioResult[]): string {
  const p = summarize(results, "profile");
  const d = summarize(results, "defaults");
  return table(
    [
      "metric",
      "profile: median abs. error",
      "within 15%",
      "mean signed",
      "worst",
      "defaults: median abs. error",
      "within 15%",
      "mean signed",
      "worst",
    ],
    p.map((row, i) => {
      const def = d[i] as ErrorSummary;
      const cells = (s: ErrorSummary) => [
        percent(s.medianAbs),
        percent(s.within15),
        percent(s.meanSigned, true),
        `${percent(s.worst.error, true)} (${s.worst.id})`,
      ];
      return [metricLabel(row.metric), ...cells(row), ...cells(def)];
    }),
  );
}

/** Real CPython against itself: each run against the mean of its scenario's other runs, per metric. */
export function noiseTable(results: readonly ScenarioResult[]): string {
  return table(
    ["metric", "median abs. difference", "within 15%", "largest"],
    noiseFloor(results).map((s) => [
      metricLabel(s.metric),
      percent(s.medianAbs),
      percent(s.within15),
      `${percent(s.worst.error, true)} (${s.worst.id})`,
    ]),
  );
}

/** The targets, each with its value and whether it is met. */
export function targetsTable(results: readonly ScenarioResult[]): string {
  return table(
    ["target", "value", "needed", "met"],
    checkTargets(results).map((t) => [
      t.name,
      percent(t.value, t.name.includes("signed")),
      t.target,
      t.met ? "yes" : "**no**",
    ]),
  );
}

/** A table's header and rows, for Markdown here or a notebook's table. */
export interface Rows {
  head: string[];
  rows: string[][];
}

/** Mean signed error per metric for each group (executor family, version or arrivals), for one parameter set. */
export function groupRows(
  results: readonly ScenarioResult[],
  by: "family" | "version" | "arrivals",
  set: ParamSet,
): Rows {
  return {
    head: [
      by === "family" ? "executor" : by,
      "n",
      ...ERROR_METRICS.map((m) => `${m.label} mean signed`),
      "median abs. error",
    ],
    rows: groupBy(results, by).map(({ group, results: list }) => {
      const s = summarize(list, set);
      return [
        group,
        String(list.length),
        ...s.slice(0, ERROR_METRICS.length).map((x) => percent(x.meanSigned, true)),
        percent((s[ERROR_METRICS.length] as ErrorSummary).medianAbs),
      ];
    }),
  };
}

export function groupTable(
  results: readonly ScenarioResult[],
  by: "family" | "version" | "arrivals",
  set: ParamSet,
): string {
  const { head, rows } = groupRows(results, by, set);
  return table(head, rows);
}

/** Every scenario's signed errors, one row each, for one parameter set. */
export function scenarioTable(results: readonly ScenarioResult[], set: ParamSet): string {
  return table(
    ["scenario", "executor", "arrivals", "load", "Python", ...ERROR_METRICS.map((m) => m.label)],
    results.map((r) => [
      `${r.id}${r.unsteady ? " (unsteady)" : ""}`,
      `${r.family}${r.limited ? " (limited)" : ""}`,
      r.arrivals,
      r.utilization === null ? "batch" : percent(r.utilization),
      r.version,
      ...r.errors[set].map((e) => percent(e.error, true)),
    ]),
  );
}

/** Where and when the records were made, from their metadata: machine, interpreters, dates, load. */
export function provenance(records: readonly RandomRecord[]): string {
  if (records.length === 0) return "no recorded runs";
  const machines = [
    ...new Set(
      records.map(
        (r) =>
          `${r.machine.cores}-core ${r.machine.cpu ?? "unknown CPU"} (${r.machine.platform} ${r.machine.kernel ?? "?"})`,
      ),
    ),
  ];
  const pythons = [...new Set(records.map((r) => r.python.version))].sort((a, b) => {
    const [x, y] = [a, b].map((v) => v.split(".").map(Number)) as [number[], number[]];
    return (x[1] ?? 0) - (y[1] ?? 0) || (x[2] ?? 0) - (y[2] ?? 0);
  });
  const dates = records.map((r) => r.recorded.slice(0, 10)).sort();
  const first = dates[0] as string;
  const last = dates[dates.length - 1] as string;
  const runs = [...new Set(records.map((r) => r.runs.length))].sort((a, b) => a - b);
  const loads = records.map((r) => r.load.before[0] ?? 0);
  const busy = records.flatMap((r) => r.runs.map((x) => Math.max(x.busyBefore ?? 0, x.busyAfter ?? 0)));
  const policies = [...new Set(records.map((r) => r.policy ?? "unknown policy"))].join(" or ");
  const priorities = [...new Set(records.map((r) => r.priority))];
  const harness = priorities.every((p) => p > 0) ? `, the harness at nice -${priorities.join("/-")}` : "";
  return `${records.length} scenarios, ${runs.join(" or ")} real runs each, on a ${machines.join("; ")}, in CPython ${pythons.join(", ")}, recorded ${first === last ? first : `${first} to ${last}`} under ${policies}${harness}; 1-minute load average before a scenario: median ${median(loads).toFixed(1)}, largest ${Math.max(...loads).toFixed(1)}; other work kept up to ${Math.round(Math.max(...busy) * 100)}% of the CPUs busy around a run`;
}

/**
 * What the errors of `set` say, in a few words: the metric with the largest median signed error
 * ("p99 43% low in the median scenario") and the one with the smallest ("makespan within 1.3%").
 */
export function headline(results: readonly ScenarioResult[], set: ParamSet): string {
  const medians = ERROR_METRICS.map((m) => ({
    label: m.label,
    value: median(results.map((r) => (r.errors[set].find((e) => e.key === m.key) as { error: number }).error)),
  }));
  // Ties go to the metric listed first.
  const worst = medians.reduce((a, b) => (Math.abs(b.value) > Math.abs(a.value) ? b : a));
  const best = medians.reduce((a, b) => (Math.abs(b.value) < Math.abs(a.value) ? b : a));
  const off = `${worst.label} ${percent(Math.abs(worst.value))} ${worst.value < 0 ? "low" : "high"} in the median scenario`;
  return `${off}, ${best.label} within ${percent(Math.abs(best.value))}`;
}

/** The whole report of one set: provenance, the summary table and the targets. */
export function setReport(title: string, records: readonly RandomRecord[], results: readonly ScenarioResult[]): string {
  const profiles = [...new Set(results.map((r) => r.profile))].join(", ");
  return [
    `### ${title}`,
    "",
    `${provenance(records)}. Errors are the current model's, recomputed from the recorded runs: ${PARAM_SET_LABELS.profile} (${profiles}) and ${PARAM_SET_LABELS.defaults}.`,
    "",
    summaryTable(results),
    "",
    targetsTable(results),
    "",
    "The measurement's own noise: each real run against the mean of the other runs of its scenario.",
    "",
    noiseTable(results),
    "",
  ].join("\n");
}

/** The README's summary of a recorded set: per metric, both parameter sets and the noise floor. */
export function readmeTable(results: readonly ScenarioResult[]): string {
  const p = summarize(results, "profile");
  const d = summarize(results, "defaults");
  const noise = noiseFloor(results);
  return table(
    [
      "metric",
      "median abs. error (profile)",
      "within 15%",
      "mean signed",
      "median abs. error (defaults)",
      "mean signed",
      "real vs real",
    ],
    p.map((row, i) => {
      const def = d[i] as ErrorSummary;
      const n = noise[i] as ErrorSummary;
      return [
        metricLabel(row.metric),
        percent(row.medianAbs),
        percent(row.within15),
        percent(row.meanSigned, true),
        percent(def.medianAbs),
        percent(def.meanSigned, true),
        percent(n.medianAbs),
      ];
    }),
  );
}

/**
 * The README's section on the random scenarios: the held-out set's table and targets, and a line
 * on the development set. `scripts/validation-table.ts --write` puts it between the README's markers.
 */
export function readmeSection(
  heldOut: { records: readonly RandomRecord[]; results: readonly ScenarioResult[] },
  development: { results: readonly ScenarioResult[] },
): string {
  const targets = checkTargets(heldOut.results);
  const missed = targets.filter((t) => !t.met);
  const dev = summarize(development.results, "profile");
  const get = (rows: ErrorSummary[], m: ErrorSummary["metric"]) => rows.find((r) => r.metric === m) as ErrorSummary;
  return [
    `Held-out set: ${provenance(heldOut.records)}. Error = (simulated − real mean) / real mean, with this machine's profile and with the version defaults; "real vs real" is one real run against the mean of the other two, the measurement's own noise.`,
    "",
    readmeTable(heldOut.results),
    "",
    `Targets (issue 11) on the held-out set: ${targets.length - missed.length} of ${targets.length} met${
      missed.length > 0
        ? `; missed: ${missed.map((t) => `${t.name} ${percent(t.value, t.name.includes("signed"))} (needed ${t.target})`).join("; ")}`
        : ""
    }. The development set (${development.results.length} scenarios) gives median abs. errors of ${percent(get(dev, "latency.p50").medianAbs)}, ${percent(get(dev, "latency.p95").medianAbs)} and ${percent(get(dev, "latency.p99").medianAbs)} for p50, p95 and p99 with the profile.`,
  ].join("\n");
}
