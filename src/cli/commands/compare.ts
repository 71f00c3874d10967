import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import type { Command } from "commander";
import { formatDuration } from "../../engine/time.js";
import { writeFileAtomic } from "../../io/atomic.js";
import { type Comparison, compare, type MetricComparison } from "../../real/compare.js";
import { DEFAULT_PROFILE_PATH } from "../../real/profile.js";
import type { CliIO } from "../io.js";
import { UsageError } from "../io.js";
import { formatNumber, formatPercent, formatTable } from "../summary.js";
import { describeProgress, loadWithProfile, parsePriority, parseTimeout, progressLine, realAction } from "./real.js";
import { parseSeed, stableJson } from "./simulate.js";

/** Parses --runs: an integer from 1 to 100. */
export function parseRuns(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 1 || n > 100) {
    throw new UsageError(`invalid --runs: ${text} (expected an integer from 1 to 100)`);
  }
  return n;
}

/** Parses --quiet-wait: seconds, at least 0. */
export function parseQuietWait(text: string): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n < 0) {
    throw new UsageError(`invalid --quiet-wait: ${text} (expected seconds, at least 0)`);
  }
  return n;
}

function value(unit: MetricComparison["unit"], x: number): string {
  return unit === "ns" ? formatDuration(x) : unit === "/s" ? `${formatNumber(x)}/s` : formatPercent(x);
}

/** A signed percent with one decimal: "+3.2%", "-0.4%", "n/a". */
export function formatError(error: number | null): string {
  if (error === null) return "n/a";
  const p = (Math.abs(error) * 100).toFixed(1);
  // No sign on what rounds to zero: "0.0%", never "-0.0%".
  return Number(p) === 0 ? `${p}%` : `${error < 0 ? "-" : "+"}${p}%`;
}

/** The comparison as a table: simulated, real mean, real min..max and the error of each metric. */
export function formatComparison(c: Comparison): string {
  const python = [...new Set(c.real.map((r) => r.python))].join(", ");
  const lines = [
    `${c.scenario} (seed ${c.seed}): simulated (${c.profile}) against ${c.real.length} real run${c.real.length === 1 ? "" : "s"} in CPython ${python}`,
  ];
  const rows = [["metric", "simulated", "real mean", "real min..max", "error"]];
  for (const r of c.rows) {
    rows.push([
      r.key,
      value(r.unit, r.simulated),
      value(r.unit, r.mean),
      `${value(r.unit, r.min)}..${value(r.unit, r.max)}`,
      formatError(r.error),
    ]);
  }
  lines.push(...formatTable(rows));
  for (const w of c.warnings) lines.push(`  warning: ${w}`);
  return `${lines.join("\n")}\n`;
}

/** A profile as figures name it: "profile machine-profile.json", never the user's absolute path. */
export function profileLabel(profile: string): string {
  return profile.replace(/^profile (.*)$/, (_, path: string) => `profile ${basename(path)}`);
}

interface CompareFlags {
  runs: number;
  profile?: string | false;
  python?: string;
  seed?: number;
  json?: boolean;
  out?: string;
  priority: number;
  quietWait: number;
  timeout: number;
}

/** `gilsim compare FILE|PRESET [--runs N] [--profile FILE | --no-profile] [--out DIR] [--json] ...` */
export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("compare")
    .description("simulate a scenario and run it in real CPython, and report the error of each metric")
    .argument("<scenario>", "a scenario .json file, or a preset name (see `gilsim presets`)")
    .option("--runs <n>", "real runs, for the noise band", parseRuns, 3)
    .option("--profile <file>", "machine profile for the simulation (default: data/validation/machine-profile.json)")
    .option("--no-profile", "simulate with the version profile's defaults only")
    .option("--python <path>", "the interpreter to run (Python 3.9 or later; default: python3 on PATH)")
    .option("--seed <n>", "seed of the run and its planned tasks (default: the scenario's seed)", parseSeed)
    .option("--json", "print the comparison as JSON")
    .option(
      "--out <dir>",
      "write sim-vs-real-METRIC (one per time metric), simulated-timeline and real-timeline, each as .svg and .png, and comparison.json",
    )
    .option(
      "--priority <n>",
      "run the harness at nice -N when permitted, so other work disturbs it less",
      parsePriority,
      0,
    )
    .option(
      "--quiet-wait <seconds>",
      "before each real run, wait up to this long for the machine to be quiet",
      parseQuietWait,
      0,
    )
    .option("--timeout <seconds>", "kill a real run (and every process it started) after this long", parseTimeout, 300)
    .action((file: string, flags: CompareFlags) =>
      realAction(io, setExit, async () => {
        const profilePath =
          flags.profile === false
            ? undefined
            : (flags.profile ?? (existsSync(DEFAULT_PROFILE_PATH) ? DEFAULT_PROFILE_PATH : undefined));
        const scenario = loadWithProfile(file, profilePath);
        const line = progressLine(io);
        let c: Comparison;
        try {
          c = await compare(scenario, {
            runs: flags.runs,
            ...(flags.python !== undefined ? { python: flags.python } : {}),
            ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
            priority: flags.priority,
            quietWaitMs: flags.quietWait * 1000,
            timeoutMs: flags.timeout * 1000,
            profile: profilePath === undefined ? "version defaults" : `profile ${profilePath}`,
            onProgress: (p) => line.update(`real run ${p.run}/${p.runs}: ${describeProgress(p)}`),
          });
        } finally {
          line.done();
        }
        let written: string[] = [];
        if (flags.out) {
          // The charts (jsdom, Plot, resvg) load here, only when figures are written.
          const { writeComparisonFigures } = await import("../compare-figures.js");
          written = [...writeComparisonFigures(c, flags.out), "comparison.json"];
          await writeFileAtomic(join(flags.out, "comparison.json"), stableJson(summaryJson(c)));
        }
        io.out(flags.json ? stableJson(summaryJson(c)) : formatComparison(c));
        // Exactly the files written: a metric some real run did not measure gets no figure.
        if (flags.out && !flags.json) io.out(`wrote ${written.map((f) => join(flags.out ?? "", f)).join(", ")}`);
      }),
    );
}

/** What --json prints: the rows and the context, without the traces. */
export function summaryJson(c: Comparison): unknown {
  return {
    scenario: c.scenario,
    seed: c.seed,
    profile: c.profile,
    python: [...new Set(c.real.map((r) => r.python))],
    runs: c.real.map((r) => ({ busyBefore: r.busyBefore, busyAfter: r.busyAfter, warnings: r.warnings })),
    rows: c.rows,
    warnings: c.warnings,
  };
}
