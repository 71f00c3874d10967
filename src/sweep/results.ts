import { join } from "node:path";
import { UsageError } from "../io/usage-error.js";
import { writeChunksAtomic } from "./atomic-chunks.js";
import { type SweepMeta, sweepCsvChunks, sweepJsonChunks, sweepMeta } from "./output.js";
import type { PointFile } from "./point-file.js";
import type { SweepTarget } from "./target.js";

/** The metric the figures show unless told otherwise. */
export const DEFAULT_FIGURE_METRIC = "latency.p99";

export interface ResultOptions {
  /** Draw the figures. Default true. */
  figures?: boolean;
  /** The metric the figures show. Default DEFAULT_FIGURE_METRIC. */
  metric?: string;
  /** A target: recorded in sweep.json and sweep.csv per point, and marked in the figures (of its metric). */
  target?: SweepTarget;
}

/**
 * Writes a finished sweep's sweep.json and sweep.csv and its figures into `out`, reading the
 * points file one point at a time in grid order (each file is written whole, then renamed into
 * place); returns the meta fields and the paths written. The figures' module, and with it the
 * charts (jsdom, Plot, resvg), is loaded only when figures are drawn.
 */
export async function writeSweepResults(
  points: PointFile,
  out: string,
  options: ResultOptions = {},
): Promise<{ meta: SweepMeta; files: string[] }> {
  const meta = sweepMeta(points.header, points.metrics, options.target);
  const metric = options.metric ?? DEFAULT_FIGURE_METRIC;
  if (points.count > 0 && !meta.metrics.includes(metric)) {
    throw new UsageError(`invalid --metric: ${metric} (expected one of ${meta.metrics.join(", ")})`);
  }
  if (options.target !== undefined && points.count > 0 && !meta.metrics.includes(options.target.metric)) {
    throw new UsageError(`invalid --target: ${options.target.text} (the points have no ${options.target.metric})`);
  }
  const json = join(out, "sweep.json");
  const csv = join(out, "sweep.csv");
  writeChunksAtomic(json, sweepJsonChunks(meta, points.rows()));
  writeChunksAtomic(csv, sweepCsvChunks(meta, points.rows()));
  let figures: string[] = [];
  if (options.figures !== false && points.count > 0) {
    const { writeSweepFigures } = await import("./figures.js");
    figures = writeSweepFigures(meta, points.count, () => points.rows(), metric, out);
  }
  return { meta, files: [json, csv, ...figures] };
}
