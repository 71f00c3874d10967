import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { UsageError } from "../../io/usage-error.js";
import { acquireLock } from "../../sweep/lock.js";
import { mergeShards, pointsFilesOf } from "../../sweep/merge.js";
import { PointFile } from "../../sweep/point-file.js";
import { writeSweepResults } from "../../sweep/results.js";
import { POINTS_FILE } from "../../sweep/run.js";
import { formatSweepTable, formatTargetLine } from "../../sweep/table.js";
import type { SweepTarget } from "../../sweep/target.js";
import type { CliIO } from "../io.js";
import { checkTargetReplications, figureMetric, judgedTarget, targetOptions } from "./sweep.js";

interface MergeFlags {
  out: string;
  metric?: string;
  target?: SweepTarget;
  /** False with --no-model-error. */
  modelError: boolean;
  /** The shards ran with --profile (for shards of a gilsim that did not record it): the model's error measured with a machine profile applies. */
  profiled?: boolean;
  figures: boolean;
}

/** `gilsim merge SHARD... --out DIR [--metric NAME] [--target "p99<=100ms" [--no-model-error] [--profiled]]`: joins the shards of a sweep into the whole sweep's results. */
export function register(program: Command, io: CliIO, _setExit: (code: number) => void): void {
  targetOptions(program.command("merge"))
    .description("join the shards of a sweep (`gilsim sweep --shard K/N`) into the results of the whole sweep")
    .argument("<shards...>", "each shard's output folder or its points.jsonl, or a folder of shard folders")
    .requiredOption("--out <dir>", "output folder of the merged sweep")
    .option(
      "--profiled",
      "the shards ran with --profile (needed only for shards of a gilsim that did not record it): allow for the model's error measured with a machine profile, as sweep --profile does",
    )
    .option("--no-figures", "write only sweep.json and sweep.csv")
    .action(async (shards: string[], flags: MergeFlags) => {
      const needTarget = [...(flags.modelError ? [] : ["--no-model-error"]), ...(flags.profiled ? ["--profiled"] : [])];
      // Usage first, before any file is read; the allowance itself waits for the shards' headers.
      judgedTarget(flags.target, flags.modelError, "defaults", needTarget);
      let target: SweepTarget | undefined;
      const metric = figureMetric(flags.metric, flags.target);
      const files = shards.flatMap((s) => pointsFilesOf(s, flags.out));
      const created = !existsSync(flags.out);
      mkdirSync(flags.out, { recursive: true });
      const lock = await acquireLock(flags.out, { command: "gilsim merge" });
      let merged = false;
      try {
        const pointsFile = join(flags.out, POINTS_FILE);
        const header = mergeShards(files, pointsFile, ({ header: h, fewestReplications }) => {
          if (h.profiled === false && flags.profiled) {
            throw new UsageError("--profiled: the shards say they ran without --profile (drop --profiled)");
          }
          target = judgedTarget(
            flags.target,
            flags.modelError,
            (h.profiled ?? flags.profiled) ? "profile" : "defaults",
            [],
          );
          if (target !== undefined)
            checkTargetReplications(fewestReplications, "run the shards again with --replications 3");
        });
        merged = true;
        const points = PointFile.open(pointsFile);
        try {
          const { meta, files: written } = await writeSweepResults(points, flags.out, {
            figures: flags.figures,
            metric,
            ...(target ? { target } : {}),
          });
          io.out(`merged ${files.length} shards of sweep ${header.name}: ${points.count} points`);
          io.out(formatSweepTable(meta, points.count, points.rows(), metric));
          if (target) io.out(formatTargetLine(meta, points.count, points.rows(), target));
          io.out(`wrote ${[pointsFile, ...written].join(", ")}`);
        } finally {
          points.close();
        }
      } finally {
        lock.release();
        // A merge refused leaves no folder behind that it made.
        if (!merged && created) rmSync(flags.out, { recursive: true, force: true });
      }
    });
}
