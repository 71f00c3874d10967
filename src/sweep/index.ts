/*
 * `gilsim/sweep`: grids over any scenario parameter, run in worker processes, resumable and
 * shardable, and the search for the smallest configuration that meets a service-level objective.
 * Node only (worker processes, files). Figures of a sweep load the charts only when drawn.
 */

export type { Axis, AxisValue } from "./axis.js";
export { parseAxes } from "./axis.js";
export type { Job, Summary } from "./evaluate.js";
export { SUMMARY_METRICS } from "./evaluate.js";
export { mergeShards } from "./merge.js";
export type { PlanOptions, SweepPlan } from "./plan.js";
export { planSweep, pointScenario } from "./plan.js";
export { PointFile } from "./point-file.js";
export type { JobRunner } from "./pool.js";
export { createRunner, defaultWorkers, InlineRunner, WorkerPool } from "./pool.js";
export type { Evaluation, Recommendation, RecommendOptions } from "./recommend.js";
export { recommend } from "./recommend.js";
export type { ResultOptions } from "./results.js";
export { DEFAULT_FIGURE_METRIC, writeSweepResults } from "./results.js";
export type { PointRow } from "./rows.js";
export type { RunOptions, RunReport } from "./run.js";
export { POINTS_FILE, runSweep } from "./run.js";
export type { Shard } from "./shard.js";
export { parseShard } from "./shard.js";
export type { Objective } from "./slo.js";
export { parseSlo } from "./slo.js";
export type { SweepHeader } from "./store.js";
