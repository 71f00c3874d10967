import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import { formatDuration } from "../../engine/time.js";
import { parseAxes } from "../../sweep/axis.js";
import { SUMMARY_METRICS } from "../../sweep/evaluate.js";
import type { ErrorParams } from "../../sweep/model-error.js";
import { planSweep } from "../../sweep/plan.js";
import { PointFile } from "../../sweep/point-file.js";
import { defaultWorkers } from "../../sweep/pool.js";
import { createProgress } from "../../sweep/progress.js";
import { DEFAULT_FIGURE_METRIC, writeSweepResults } from "../../sweep/results.js";
import { runSweep } from "../../sweep/run.js";
import { type AutoShard, parseShard, type Shard, shardFromEnv } from "../../sweep/shard.js";
import { formatSweepTable, formatTargetLine } from "../../sweep/table.js";
import { parseTarget, type SweepTarget, withModelError } from "../../sweep/target.js";
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

/** --target's help, the same for `sweep` and `merge`. */
export const TARGET_HELP =
  "a target to mark: p99<=100ms, p95<50ms, wait.p99<=20ms, throughput>=450/s. Points meet it when their confidence bound does (for p50 to p99, with the model's measured median error allowed for, as recommend does) and no run was cut short; the heatmap outlines them, the line figure draws it dashed, sweep.json and sweep.csv say which meet it";

/** --no-model-error's help, the same for `sweep` and `merge`. */
export const NO_MODEL_ERROR_HELP =
  "judge --target on the simulated figures as they are, without allowing for the model's measured median error as recommend does";

/** Adds what `sweep` and `merge` share about the figures and the target: --metric, --target and --no-model-error. */
export function targetOptions(command: Command): Command {
  return command
    .option(
      "--metric <name>",
      `the metric the figures show (default: the --target's metric, else ${DEFAULT_FIGURE_METRIC})`,
      parseMetric,
    )
    .option("--target <METRIC OP VALUE>", TARGET_HELP, parseTargetOption)
    .option("--no-model-error", NO_MODEL_ERROR_HELP);
}

/**
 * The --target as it is judged: with the model's measured error allowed for unless --no-model-error
 * (`modelError` false), from the error measured with a machine profile when `params` says so. A
 * flag in `needTarget` (given without a --target) has nothing to judge: a usage error.
 */
export function judgedTarget(
  target: SweepTarget | undefined,
  modelError: boolean,
  params: ErrorParams,
  needTarget: readonly string[],
): SweepTarget | undefined {
  const name = needTarget[0];
  if (name !== undefined && target === undefined) {
    throw new UsageError(`${name} applies to --target: give a --target, or drop ${name}`);
  }
  return target && withModelError(target, modelError, params);
}

/** Parses --target (one objective, as recommend's --slo writes it); a bad one is a usage error. */
export function parseTargetOption(text: string): SweepTarget {
  return asUsage(() => parseTarget(text));
}

/**
 * The metric the figures show: --metric, else the --target's metric, else the default. The
 * figures show one metric, so a --metric other than the target's is a usage error.
 */
export function figureMetric(metric: string | undefined, target: SweepTarget | undefined): string {
  if (target !== undefined && metric !== undefined && metric !== target.metric) {
    throw new UsageError(
      `--target ${target.text} reads ${target.metric} but --metric is ${metric} (the figures show one metric: drop --metric, or give --metric ${target.metric})`,
    );
  }
  return metric ?? target?.metric ?? DEFAULT_FIGURE_METRIC;
}

/**
 * Refuses a target on points of fewer than 2 replications: one run has no confidence bound, and
 * the answer would be optimistic. `fix` says what to run instead.
 */
export function checkTargetReplications(fewest: number, fix: string): void {
  if (fewest < 2) {
    throw new UsageError(
      `--target needs at least 2 replications per point for its 95% bound, and a point here has ${fewest} (${fix})`,
    );
  }
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

/**
 * More workers than cores only share the cores (each with its own memory and start-up): the
 * count is capped to the cores this process may use (its CPU affinity), with a note.
 */
export function capWorkers(workers: number, io: CliIO, cores = availableParallelism()): number {
  if (workers <= cores) return workers;
  io.err(
    `gilsim: note: --workers ${workers} is more than the ${cores} cores this process may use; running ${cores} (more would only share the cores, each using its own memory)`,
  );
  return cores;
}

const SIGNAL_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * Runs `work` with SIGINT and SIGTERM turned into its abort signal: the sweep stops, its workers
 * are killed, its lock released, and the command exits 130 or 143 saying how to resume. Gives
 * null when stopped so. A worker killed by the signal too (Ctrl-C reaches the whole process
 * group) counts as the same stop.
 */
async function stopOnSignals<T>(
  io: CliIO,
  setExit: (code: number) => void,
  out: string,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T | null> {
  const controller = new AbortController();
  let received: keyof typeof SIGNAL_CODES | null = null;
  const handlers = (Object.keys(SIGNAL_CODES) as (keyof typeof SIGNAL_CODES)[]).map((name) => {
    const handler = () => {
      received ??= name;
      controller.abort(new Error(`stopped by ${name}`));
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  try {
    return await work(controller.signal);
  } catch (error) {
    const killed = /a sweep worker stopped with signal (SIGINT|SIGTERM)/.exec((error as Error).message)?.[1];
    const signal = received ?? (killed as keyof typeof SIGNAL_CODES | undefined);
    if (!signal) throw error;
    io.err(
      `gilsim: sweep stopped by ${signal}; its finished points are kept in ${out}: run the same command again to resume`,
    );
    setExit(SIGNAL_CODES[signal]);
    return null;
  } finally {
    for (const [name, handler] of handlers) process.off(name, handler);
  }
}

interface SweepFlags {
  profile?: string;
  vary?: string[];
  replications?: number;
  workers?: number;
  out?: string;
  shard?: Shard | "auto";
  seed?: number;
  metric?: string;
  target?: SweepTarget;
  restart?: boolean;
  figures: boolean;
  /** False with --no-model-error. */
  modelError: boolean;
}

/** `gilsim sweep FILE|PRESET --vary PATH=VALUES ... [--replications N] [--workers N] [--out DIR] [--shard K/N]` */
export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const command = profileOption(program.command("sweep"))
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
      "--shard <K/N|auto>",
      "run only shard K of N, dealt by estimated cost; auto reads a Slurm array, Kubernetes Indexed Job, AWS Batch, Cloud Batch or Cloud Run index from the environment. Join the shards with `gilsim merge`",
      (t): Shard | "auto" => (t.trim() === "auto" ? "auto" : asUsage(() => parseShard(t))),
    )
    .option(
      "--seed <n>",
      "base seed: each point's seed hashes it with the point (default: the scenario's seed)",
      parseSeed,
    );
  targetOptions(command)
    .option("--restart", "discard finished points in the output folder instead of resuming")
    .option("--no-figures", "write only sweep.json and sweep.csv")
    .action(async (file: string, flags: SweepFlags) => {
      const target = judgedTarget(
        flags.target,
        flags.modelError,
        flags.profile ? "profile" : "defaults",
        flags.modelError ? [] : ["--no-model-error"],
      );
      const metric = figureMetric(flags.metric, target);
      const auto: AutoShard | null = flags.shard === "auto" ? asUsage(() => shardFromEnv(process.env)) : null;
      const raw = loadInput(file, flags.profile);
      const plan = asUsage(() =>
        planSweep(raw, file, parseAxes(flags.vary ?? []), {
          replications: flags.replications ?? null,
          seed: flags.seed ?? null,
          shard: auto?.shard ?? (flags.shard === "auto" ? null : (flags.shard ?? null)),
          profiled: Boolean(flags.profile),
        }),
      );
      if (target !== undefined) checkTargetReplications(Math.min(...plan.pointReplications), "add --replications 3");
      const shard = plan.shard === null ? "" : `-${plan.shard.k}-of-${plan.shard.n}`;
      const out = flags.out ?? join("output", `sweep-${plan.name}${shard}`);
      const workers = capWorkers(flags.workers ?? defaultWorkers(), io);
      const label = plan.shard === null ? "" : ` --shard ${plan.shard.k}/${plan.shard.n}`;
      const started = performance.now();
      const report = await stopOnSignals(io, setExit, out, (signal) =>
        runSweep(plan, {
          out,
          workers,
          restart: flags.restart ?? false,
          progress: (done, total) => createProgress(io, `sweep ${plan.name}`, total, done),
          signal,
          lock: {
            command: `gilsim sweep ${plan.name}${label}`,
            onWait: (owner, age) =>
              io.err(
                `gilsim: ${out} is locked by pid ${owner.pid} on ${owner.host} (heartbeat ${Math.round(age / 1000)} s ago); waiting to see whether it is alive (a lock without a heartbeat for 60 s is taken over)`,
              ),
          },
        }),
      );
      if (report === null) return;
      const seconds = (performance.now() - started) / 1000;
      if (report.resumed.torn)
        io.err(
          `gilsim: note: ${report.pointsFile} ended in a line cut short (a crash); it was dropped and its unit run again`,
        );
      if (report.resumed.dropped > 0) {
        io.err(
          `gilsim: note: ${report.pointsFile} had ${report.resumed.dropped} unreadable lines (two writers at once); they were dropped and their units run again`,
        );
      }
      const points = PointFile.open(report.pointsFile);
      try {
        const { meta, files } = await writeSweepResults(points, out, {
          figures: flags.figures,
          metric,
          ...(target ? { target } : {}),
        });
        const where = workers === 0 ? "main thread" : workers === 1 ? "1 worker" : `${workers} workers`;
        const done = `${report.ran} run, ${report.skipped} already done; ${where}, ${formatDuration(Math.round(seconds * 1e9))}`;
        if (plan.shard === null) {
          io.out(`sweep ${plan.name}: ${report.total} points, ${done}`);
        } else {
          const from = auto === null ? "" : ` (${auto.source})`;
          const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
          const split = report.split === 0 ? "" : `, ${report.split} of them cut into parts`;
          io.out(
            `sweep ${plan.name}: shard ${plan.shard.k}/${plan.shard.n}${from}: ${report.total} units of ${plan.grid.size} points${split} (${pct(report.share)} of the estimated cost; the largest shard ${pct(report.largestShare)}), ${done}`,
          );
        }
        io.out(formatSweepTable(meta, points.count, points.rows(), metric));
        if (target) io.out(formatTargetLine(meta, points.count, points.rows(), target));
        const left =
          points.partCount > 0
            ? ` (${points.partCount} parts of points are in ${report.pointsFile}, for gilsim merge)`
            : "";
        io.out(`wrote ${[report.pointsFile, ...files].join(", ")}${left}`);
      } finally {
        points.close();
      }
    });
}
