import { formatDuration, SECOND } from "../engine/time.js";
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

/**
 * The window throughput, the shares and Little's law are over: the measured window (from
 * run.warmup to the run's end), recovered from the throughput and the measured tasks.
 */
function windowWords(m: Metrics): string {
  if (m.throughput <= 0) return `${m.tasks.measured} measured tasks`;
  const window = (m.tasks.measured * SECOND) / m.throughput;
  const span =
    Math.abs(window - m.makespan) <= 0.001 * m.makespan
      ? "over the makespan"
      : `over the ${formatDuration(Math.round(window))} measured window, from run.warmup to the run's end`;
  return `${m.tasks.measured} measured tasks ${span}`;
}

export interface SummaryOptions {
  /** A note under the heading (a truncated run, say). */
  note?: string;
  /**
   * A real CPython run: what Python cannot see (GIL hand-offs, waiting for the GIL or a core, loop
   * iterations, core use, simulation events) prints as n/a rather than 0.
   */
  real?: boolean;
}

const NA_REAL = "n/a (not measured in a real run)";

/** The summary of one run, each figure with a few words on what it is. */
export function formatSummary(m: Metrics, options: SummaryOptions = {}): string {
  const { note, real = false } = options;
  const lines = [
    `${m.scenario} (seed ${m.seed}): ${m.tasks.arrived} tasks arrived, ${m.tasks.completed} completed, ${m.tasks.measured} measured (after run.warmup)`,
  ];
  if (note) lines.push(`  ${note}`);
  const rows: string[][] = [
    ["makespan", `${formatDuration(m.makespan)} (time 0 to the last task's end)`],
    ["throughput", `${formatNumber(m.throughput)} tasks/s (${windowWords(m)})`],
    ["latency", `${quantiles(m.latency)}: arrival to end`],
    ["wait", `${quantiles(m.wait)}${m.wait.count > 0 ? ": arrival to first step (queueing)" : ""}`],
    ["cores busy", real ? NA_REAL : `${m.coreUtilization.map(formatPercent).join(" ")} (each core)`],
  ];
  if (real && m.gil.length === 0) rows.push(["GIL", NA_REAL]);
  for (const g of m.gil) {
    rows.push([
      `GIL (process ${g.process})`,
      `${g.switches} hand-offs, ${g.forced} forced by a waiter's drop request, ${g.convoys} convoys (back from IO, found it taken), ${formatPercent(g.waitShare)} of thread time waiting for it`,
    ]);
  }
  if (real && m.loops.length === 0) rows.push(["loop lag", NA_REAL]);
  for (const l of m.loops) {
    rows.push([
      `loop lag (process ${l.process})`,
      `${quantiles(l.lag)} over ${l.iterations} iterations: how late ready callbacks ran`,
    ]);
  }
  rows.push([
    "tasks in system",
    `${formatNumber(m.little.meanInSystem)} on average (Little's law, L = λW: ${formatNumber(m.little.arrivalRate)}/s arrivals × ${formatDuration(m.little.meanLatency)} mean latency)`,
  ]);
  rows.push(["events", real ? "n/a (a real run is not simulated)" : `${m.events} (steps the simulator took)`]);
  const width = Math.max(...rows.map((r) => r[0]?.length ?? 0));
  for (const [label, value] of rows) lines.push(`  ${(label ?? "").padEnd(width)}  ${value}`);
  lines.push(
    "",
    real
      ? "  threads (share of the measured window; Python cannot tell waiting for the GIL or a core from running, so that time is inside gil and nogil, and cpu is n/a):"
      : "  threads (share of the measured window):",
  );
  const header = ["thread", "process", "role", "cpu", ...THREAD_STATES];
  const blind = new Set<string>(real ? ["wait-gil", "wait-core"] : []);
  // Thousands of short-lived threads (a `threads` step in every request) would flood the terminal:
  // the busiest MAX_THREAD_ROWS are shown in their order, and the rest counted in one line.
  const shown =
    m.threads.length <= MAX_THREAD_ROWS
      ? m.threads
      : (() => {
          const keep = new Set(
            [...m.threads].sort((a, b) => a.share.idle - b.share.idle || a.id - b.id).slice(0, MAX_THREAD_ROWS),
          );
          return m.threads.filter((t) => keep.has(t));
        })();
  const threadRows = shown.map((t) => [
    t.name,
    String(t.process),
    t.role,
    real ? "n/a" : formatDuration(t.cpu),
    ...THREAD_STATES.map((s) => (blind.has(s) ? "n/a" : formatPercent(t.share[s]))),
  ]);
  lines.push(...formatTable([header, ...threadRows], "    ", (i) => i === 1 || i > 2));
  const hidden = m.threads.length - shown.length;
  if (hidden > 0) {
    lines.push(`    ... and ${hidden} more threads, less busy than those above (--json lists every thread)`);
  }
  return `${lines.join("\n")}\n`;
}

/** The most thread rows a summary prints; the rest are counted in one line. */
export const MAX_THREAD_ROWS = 64;

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
