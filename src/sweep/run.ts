import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Summary } from "./evaluate.js";
import { plannedPoint, type SweepPlan } from "./plan.js";
import { createRunner, type JobRunner } from "./pool.js";
import type { Progress } from "./progress.js";
import { formatShard, shardIndices, shardSize } from "./shard.js";
import { PointLog, type PointRow, type SweepHeader } from "./store.js";

/** The file finished points are appended to, inside a sweep's output folder. */
export const POINTS_FILE = "points.jsonl";

export interface RunOptions {
  /** Output folder; created if missing. */
  out: string;
  /** Worker processes; 0 runs on the calling thread. Ignored when `runner` is given. */
  workers: number;
  /** Runs the jobs instead of a new pool (the caller closes it). */
  runner?: JobRunner;
  /** Empty an existing points file instead of resuming it. Default false. */
  restart?: boolean;
  /** Told of each finished point. */
  progress?: (resumed: number, total: number) => Progress;
}

export interface RunReport {
  /** Points in this run's part of the grid (the shard, or all). */
  total: number;
  /** Points found finished in the points file and skipped. */
  skipped: number;
  /** Points run now. */
  ran: number;
  /** The points file, complete for this run's part of the grid: read it with PointFile. */
  pointsFile: string;
}

/** The header of a plan's points file. */
export function sweepHeader(plan: SweepPlan): SweepHeader {
  return {
    format: "gilsim-sweep-points",
    version: 1,
    id: plan.id,
    name: plan.name,
    shard: plan.shard === null ? null : formatShard(plan.shard),
    size: plan.grid.size,
    axes: plan.axes.map((a) => ({ path: a.path, values: a.values })),
    replications: plan.replications,
    seed: plan.seed,
    scenario: plan.raw,
  };
}

/**
 * Runs the points of a plan (its shard) that the points file does not hold yet, appending each
 * as it finishes. At most two jobs per worker are in flight and each result goes straight to the
 * file, so memory does not grow with the number of points. A failed point stops the sweep after
 * the jobs in flight; the points that finished stay in the file for the next run.
 */
export async function runSweep(plan: SweepPlan, options: RunOptions): Promise<RunReport> {
  mkdirSync(options.out, { recursive: true });
  const pointsFile = join(options.out, POINTS_FILE);
  const log = new PointLog(pointsFile, sweepHeader(plan), options.restart ?? false);
  const total = shardSize(plan.grid.size, plan.shard);
  const runner = options.runner ?? createRunner(options.workers);
  const progress = options.progress?.(log.resumed, total);
  let ran = 0;
  try {
    const todo = (function* () {
      for (const i of shardIndices(plan.grid.size, plan.shard)) if (log.done[i] === 0) yield i;
    })();
    let failure: Error | null = null;
    const lane = async (): Promise<void> => {
      for (let next = todo.next(); !next.done && failure === null; next = todo.next()) {
        const point = plannedPoint(plan, next.value);
        let summary: Summary;
        try {
          summary = await runner.run(point.job);
        } catch (error) {
          failure ??= new Error(`point ${point.key} failed: ${(error as Error).message}`);
          return;
        }
        const row: PointRow = {
          index: point.index,
          key: point.key,
          seed: point.job.seed,
          replications: point.job.replications,
          values: point.values,
          summary,
        };
        log.append(row);
        ran++;
        progress?.increment();
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, runner.size * 2) }, lane));
    if (failure) throw failure;
  } finally {
    progress?.stop();
    log.close();
    if (!options.runner) await runner.close();
  }
  return { total, skipped: log.resumed, ran, pointsFile };
}
