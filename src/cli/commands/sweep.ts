import { join } from "node:path";
import type { Command } from "commander";
import { formatDuration } from "../../engine/time.js";
import { parseAxes } from "../../sweep/axis.js";
import { SUMMARY_METRICS } from "../../sweep/evaluate.js";
import { planSweep } from "../../sweep/plan.js";
import { PointFile } from "../../sweep/point-file.js";
import { defaultWorkers } from "../../sweep/pool.js";
import { createProgress } from "../../sweep/progress.js";
import { DEFAULT_FIGURE_METRIC, writeSweepResults } from "../../sweep/results.js";
import { runSweep } from "../../sweep/run.js";
import { parseShard, type Shard } from "../../sweep/shard.js";
import { formatSweepTable } from "../../sweep/table.js";
import { type CliIO, UsageError } from "../io.js";
import { loadInput, profileOption } from "../profile-option.js";
import { parseReplications, parseSeed } from "./simulate.js";

/** Parses --workers: a count of worker processes, 0 for none (run on the main thread). */
export function parseWorkers(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) {
    throw new UsageError(`invalid --workers: ${text} (expected a non-negative integer)`);
  }
  return n;
}

/** Parses --metric: one of the metrics every point records. */
export function parseMetric(text: string): string {
  if (!SUMMARY_METRICS.includes(text)) {
    throw new UsageError(`invalid --metric: ${text} (expected one of ${SUMMARY_METRICS.join(", ")})`);
  }
  return text;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Turns the RangeErrors of option parsing into usage errors (exit code 2). */
export function asUsage<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
}

interface SweepFlags {
  profile?: string;
  vary?: string[];
  replications?: number;
  workers?: number;
  out?: string;
  shard?: Shard;
  seed?: number;
  metric: string;
  restart?: boolean;
  figures: boolean;
}

/** `gilsim sweep FILE|PRESET --vary PATH=VALUES ... [--replications N] [--workers N] [--out DIR] [--shard K/N]` */
export function register(program: Command, io: CliIO, _setExit: (code: number) => void): void {
  profileOption(program.command("sweep"))
    .description("run a scenario over a grid of parameter values, in parallel, with confidence intervals per point")
    .argument("<scenario>", "a scenario .json file, or a preset name")
    .option(
      "--vary <PATH=VALUES>",
      "a parameter and its values; repeat for a grid. VALUES: 1,2,4 | 1..64 | 1..64:4 (step) | 1..64*2 (doubling) | on,off | 1ms,5ms. A PATH ending in .kind keeps only the options the new kind takes",
      collect,
    )
    .option("--replications <n>", "runs per point (default: the scenario's run.replications)", parseReplications)
    .option("--workers <n>", "worker processes (default: one per core; 0 runs on the main thread)", parseWorkers)
    .option("--out <dir>", "output folder (default: output/sweep-NAME, or output/sweep-NAME-K-of-N for a shard)")
    .option(
      "--shard <K/N>",
      "run only shard K of N (points K-1, K-1+N, ...); join the shards with `gilsim merge`",
      (t) => asUsage(() => parseShard(t)),
    )
    .option(
      "--seed <n>",
      "base seed: each point's seed hashes it with the point (default: the scenario's seed)",
      parseSeed,
    )
    .option("--metric <name>", "the metric the figures show", parseMetric, DEFAULT_FIGURE_METRIC)
    .option("--restart", "discard finished points in the output folder instead of resuming")
    .option("--no-figures", "write only sweep.json and sweep.csv")
    .action(async (file: string, flags: SweepFlags) => {
      const raw = loadInput(file, flags.profile);
      const plan = asUsage(() =>
        planSweep(raw, file, parseAxes(flags.vary ?? []), {
          replications: flags.replications ?? null,
          seed: flags.seed ?? null,
          shard: flags.shard ?? null,
        }),
      );
      const shard = plan.shard === null ? "" : `-${plan.shard.k}-of-${plan.shard.n}`;
      const out = flags.out ?? join("output", `sweep-${plan.name}${shard}`);
      const workers = flags.workers ?? defaultWorkers();
      const started = performance.now();
      const report = await runSweep(plan, {
        out,
        workers,
        restart: flags.restart ?? false,
        progress: (done, total) => createProgress(io, `sweep ${plan.name}`, total, done),
      });
      const seconds = (performance.now() - started) / 1000;
      const points = PointFile.open(report.pointsFile);
      try {
        const { meta, files } = await writeSweepResults(points, out, { figures: flags.figures, metric: flags.metric });
        const part = plan.shard === null ? "" : ` (shard ${plan.shard.k}/${plan.shard.n} of ${plan.grid.size})`;
        const where = workers === 0 ? "main thread" : workers === 1 ? "1 worker" : `${workers} workers`;
        io.out(
          `sweep ${plan.name}: ${report.total} points${part}, ${report.ran} run, ${report.skipped} already done; ${where}, ${formatDuration(Math.round(seconds * 1e9))}`,
        );
        io.out(formatSweepTable(meta, points.count, points.rows(), flags.metric));
        io.out(`wrote ${[report.pointsFile, ...files].join(", ")}`);
      } finally {
        points.close();
      }
    });
}
