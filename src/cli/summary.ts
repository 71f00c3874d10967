import { formatDuration } from "../engine/time.js";
import type { Replication } from "../metrics/replicate.js";
import type { Metrics, Quantiles } from "../metrics/types.js";
import { THREAD_STATES } from "../trace/types.js";

/*
 * The readable summary that `gilsim simulate` prints: one run's metrics, or the confidence
 * intervals of several replications. Durations carry units (formatDuration); shares are percents.
 */

/** A number to 3 significant digits, whole from 100 up (488, 12.3, 0.0457). */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 100) return String(Math.round(x));
  return String(Number(x.toPrecision(3)));
}

/** A share in [0, 1] as a percent with one decimal. */
export function formatPercent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/**
 * Lays out rows as columns separated by two spaces. `right` says which columns align right
 * (numbers); by default every column but the first.
 */
export function formatTable(
  rows: readonly (readonly string[])[],
  indent = "  ",
  right: (column: number) => boolean = (i) => i > 0,
): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows.map(
    (row) =>
      indent +
      row
        .map((cell, i) => (right(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
        .join("  ")
        .trimEnd(),
  );
}

function quantiles(q: Quantiles): string {
  if (q.count === 0) return "none measured";
  const parts = (["p50", "p90", "p95", "p99", "max"] as const).map((k) => `${k} ${formatDuration(q[k])}`);
  return `${parts.join("  ")}  (mean ${formatDuration(q.mean)})`;
}

/** The summary of one run. `note` adds a line under the heading (a truncated run, say). */
export function formatSummary(m: Metrics, note?: string): string {
  const lines = [
    `${m.scenario} (seed ${m.seed}): ${m.tasks.arrived} tasks arrived, ${m.tasks.completed} completed, ${m.tasks.measured} measured`,
  ];
  if (note) lines.push(`  ${note}`);
  const rows: string[][] = [
    ["makespan", formatDuration(m.makespan)],
    ["throughput", `${formatNumber(m.throughput)} tasks/s`],
    ["latency", quantiles(m.latency)],
    ["wait", quantiles(m.wait)],
    ["cores busy", m.coreUtilization.map(formatPercent).join(" ")],
  ];
  for (const g of m.gil) {
    rows.push([
      `GIL (process ${g.process})`,
      `${g.switches} switches, ${g.forced} forced, ${g.convoys} convoys, ${formatPercent(g.waitShare)} of thread time waiting`,
    ]);
  }
  for (const l of m.loops) {
    rows.push([`loop lag (process ${l.process})`, `${quantiles(l.lag)} over ${l.iterations} iterations`]);
  }
  rows.push([
    "Little's law",
    `L = ${formatNumber(m.little.meanInSystem)} in system, λ = ${formatNumber(m.little.arrivalRate)}/s, W = ${formatDuration(m.little.meanLatency)}`,
  ]);
  rows.push(["events", String(m.events)]);
  const width = Math.max(...rows.map((r) => r[0]?.length ?? 0));
  for (const [label, value] of rows) lines.push(`  ${(label ?? "").padEnd(width)}  ${value}`);
  lines.push("", "  threads (share of the measured window):");
  const header = ["thread", "process", "role", "cpu", ...THREAD_STATES];
  const threadRows = m.threads.map((t) => [
    t.name,
    String(t.process),
    t.role,
    formatDuration(t.cpu),
    ...THREAD_STATES.map((s) => formatPercent(t.share[s])),
  ]);
  lines.push(...formatTable([header, ...threadRows], "    ", (i) => i === 1 || i > 2));
  return `${lines.join("\n")}\n`;
}

/** How a replication metric reads: a duration, a rate, a share or a count. */
export function formatMetric(name: string, value: number): string {
  if (name === "throughput") return `${formatNumber(value)}/s`;
  if (/share|utilization/i.test(name)) return formatPercent(value);
  if (/^(makespan|latency|wait|loop\.lag)/.test(name)) return formatDuration(value);
  return formatNumber(value);
}

/** The summary of several replications: each metric's mean and confidence interval. */
export function formatReplication(rep: Replication, scenario: string, seed: number): string {
  const n = rep.runs.length;
  const lines = [
    `${scenario}: ${n} replications (seeds ${seed}..${seed + n - 1}), ${formatNumber(rep.confidence * 100)}% confidence intervals`,
  ];
  const rows = [["metric", "mean", "±", "low", "high"]];
  for (const [name, e] of Object.entries(rep.summary)) {
    rows.push([
      name,
      formatMetric(name, e.mean),
      formatMetric(name, e.halfWidth),
      formatMetric(name, e.lo),
      formatMetric(name, e.hi),
    ]);
  }
  lines.push(...formatTable(rows));
  return `${lines.join("\n")}\n`;
}
