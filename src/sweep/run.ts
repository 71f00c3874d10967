import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { dealShard, type ShardWork, type Unit } from "./deal.js";
import type { Outcome } from "./evaluate.js";
import { acquireLock, type LockOptions } from "./lock.js";
import { plannedPoint, type SweepPlan } from "./plan.js";
import { createRunner, type JobRunner } from "./pool.js";
import type { Progress } from "./progress.js";
import { partRow, wholeRow } from "./rows.js";
import { formatShard } from "./shard.js";
import { makeHeader, PointLog, type Resumed, type SweepHeader } from "./store.js";

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
  /** Told of each finished unit. */
  progress?: (resumed: number, total: number) => Progress;
  /** Stops the sweep: no unit starts, the workers are killed, and runSweep rejects with the signal's reason. */
  signal?: AbortSignal;
  /** How the output folder is locked (what the lock says, how long another host's lock lives). */
  lock?: Omit<LockOptions, "onLost">;
}

export interface RunReport {
  /** Units in this run's part of the grid (the shard's, or every point). */
  total: number;
  /** Units found finished in the points file and skipped. */
  skipped: number;
  /** Units run now. */
  ran: number;
  /** What the points file held when it was opened. */
  resumed: Resumed;
  /** The points file, complete for this run's part of the grid: read it with PointFile. */
  pointsFile: string;
  /** This run's share of the sweep's estimated cost, and the largest shard's (1/N when perfectly balanced). */
  share: number;
  largestShare: number;
  /** Points of the whole sweep cut into parts for balance. */
  split: number;
}

/** The header of a plan's points file, for a part of it of `units` units. */
export function sweepHeader(plan: SweepPlan, units: number): SweepHeader {
  const spec = {
    id: plan.id,
    name: plan.name,
    size: plan.grid.size,
    axes: plan.axes.map((a) => ({ path: a.path, values: a.values })),
    replications: plan.replications,
    seed: plan.seed,
    scenario: plan.raw,
    profiled: plan.profiled,
  };
  return makeHeader(spec, plan.shard === null ? null : formatShard(plan.shard), units);
}

/** The plan's part of the sweep: its shard's units (deal.ts), or every point. */
export function planWork(plan: SweepPlan): ShardWork {
  return dealShard(plan.costs, plan.pointReplications, plan.shard);
}

/**
 * Runs the units of a plan (its shard's) that the points file does not hold yet, appending each
 * as it finishes, costliest first. The output folder is locked for the run (lock.ts). At most two
 * jobs per worker are in flight and each result goes straight to the file, so memory does not
 * grow with the number of points. A failed unit stops the sweep after the jobs in flight; the
 * units that finished stay in the file for the next run.
 */
export async function runSweep(plan: SweepPlan, options: RunOptions): Promise<RunReport> {
  mkdirSync(options.out, { recursive: true });
  const pointsFile = join(options.out, POINTS_FILE);
  const stopped = new AbortController();
  const stop = (reason: unknown) => {
    if (!stopped.signal.aborted) stopped.abort(reason);
  };
  const outer = options.signal;
  outer?.throwIfAborted();
  const lock = await acquireLock(options.out, {
    ...options.lock,
    onLost: (owner) =>
      stop(
        new Error(
          `another ${owner?.command ?? "process"} took over ${options.out} (pid ${owner?.pid ?? "?"} on ${owner?.host ?? "?"}); this sweep stopped, its finished points are kept`,
        ),
      ),
  });
  const onOuter = () => stop(outer?.reason);
  outer?.addEventListener("abort", onOuter);
  const work = planWork(plan);
  let log: PointLog;
  try {
    log = new PointLog(pointsFile, sweepHeader(plan, work.count), options.restart ?? false);
  } catch (error) {
    outer?.removeEventListener("abort", onOuter);
    lock.release();
    throw error;
  }
  const isDone = (unit: Unit) => log.has(unit.index, unit.from, unit.to);
  let skipped = 0;
  for (let u = 0; u < work.count; u++) if (isDone(work.unit(u))) skipped++;
  const runner = options.runner ?? createRunner(options.workers);
  const progress = options.progress?.(skipped, work.count);
  let ran = 0;
  const onStop = () => {
    if (!options.runner) void runner.close({ now: true });
  };
  stopped.signal.addEventListener("abort", onStop);
  try {
    let next = 0;
    const nextUnit = (): Unit | null => {
      while (next < work.count) {
        const unit = work.unit(next++);
        if (!isDone(unit)) return unit;
      }
      return null;
    };
    let failure: Error | null = null;
    const lane = async (): Promise<void> => {
      while (failure === null && !stopped.signal.aborted) {
        const unit = nextUnit();
        if (unit === null) return;
        const point = plannedPoint(plan, unit.index);
        const whole = unit.from === 0 && unit.to === point.job.replications;
        let outcome: Outcome;
        try {
          outcome = await runner.run({
            scenario: point.job.scenario,
            seed: point.job.seed + unit.from,
            replications: unit.to - unit.from,
          });
        } catch (error) {
          const what = whole ? `point ${point.key}` : `replications ${unit.from}-${unit.to} of point ${point.key}`;
          failure ??= new Error(`${what} failed: ${(error as Error).message}`);
          return;
        }
        if (stopped.signal.aborted) return;
        const id = {
          index: point.index,
          key: point.key,
          seed: point.job.seed,
          replications: point.job.replications,
          values: point.values,
        };
        const part = {
          from: unit.from,
          to: unit.to,
          runs: outcome.runs,
          latency: outcome.latency,
          truncated: outcome.truncated,
        };
        log.append(whole ? wholeRow(id, [part], point.confidence) : partRow(id, part, point.confidence));
        ran++;
        progress?.increment();
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, runner.size * 2) }, lane));
    if (stopped.signal.aborted) throw stopped.signal.reason;
    if (failure) throw failure;
  } finally {
    stopped.signal.removeEventListener("abort", onStop);
    outer?.removeEventListener("abort", onOuter);
    progress?.stop();
    log.close();
    if (!options.runner) await runner.close({ now: stopped.signal.aborted });
    lock.release();
  }
  const largest = work.loads.reduce((a, b) => Math.max(a, b), 0);
  const k = plan.shard === null ? 0 : plan.shard.k - 1;
  return {
    total: work.count,
    skipped,
    ran,
    resumed: log.resumed,
    pointsFile,
    share: work.total > 0 ? (work.loads[k] as number) / work.total : 0,
    largestShare: work.total > 0 ? largest / work.total : 0,
    split: work.split,
  };
}
