/*
 * gilsim's core entry: the engine, scenarios, the runtime model, metrics and traces. It loads no
 * DOM, no Plot and no renderer: figures are `gilsim/charts`, the real-execution runner is
 * `gilsim/real`, sweeps and recommendations are `gilsim/sweep`, each loaded only when imported.
 */

export type { Distribution, Handler, Nanos, SimulationOptions } from "./engine/index.js";
export {
  CANCELLED,
  constant,
  EventQueue,
  empirical,
  erlang,
  exponential,
  formatDuration,
  fromMillis,
  gamma,
  hashSeed,
  lognormal,
  lognormalFromQuantiles,
  MS,
  NS,
  parseDuration,
  Random,
  SECOND,
  Simulation,
  Streams,
  truncatedNormal,
  US,
  uniform,
} from "./engine/index.js";
export { UsageError } from "./io/usage-error.js";
export { metricsFromTrace } from "./metrics/from-trace.js";
export type { Estimate, Replication } from "./metrics/replicate.js";
export { estimate, replicate, scalarMetrics } from "./metrics/replicate.js";
export { LatencySketch, SKETCH_RELATIVE_ERROR } from "./metrics/sketch.js";
export type { GilStats, LoopStats, Metrics, Quantiles, QueuePoint, ThreadUsage } from "./metrics/types.js";
export type { ConcreteStep, PlannedTask } from "./model/plan.js";
export { planTasks, TaskPlanner } from "./model/plan.js";
export type { PythonVersion, RuntimeParams } from "./model/profiles.js";
export { PYTHON_VERSIONS, profile } from "./model/profiles.js";
export type { CpuAccounting, RunResult, SimulateOptions } from "./model/simulate.js";
export { simulate } from "./model/simulate.js";
export type { DistSpec } from "./scenario/distribution.js";
export { makeDistribution } from "./scenario/distribution.js";
export { ScenarioError } from "./scenario/errors.js";
export { scenarioJsonSchema } from "./scenario/json-schema.js";
export { loadScenario, loadScenarioInput } from "./scenario/load.js";
export { getPreset, presetNames } from "./scenario/presets.js";
export type { ExecutorConfig, PoolConfig, Scenario } from "./scenario/scenario.js";
export { defaultSlice, parseScenario, scenario, validateScenario } from "./scenario/scenario.js";
export type { ScenarioInput, Step } from "./scenario/schema.js";
export { chromeTraceJson } from "./trace/chrome.js";
export { intervalsCsv, tasksCsv } from "./trace/csv.js";
export { readTraceFile, TraceWriter } from "./trace/stream.js";
export type {
  GilHold,
  LoopIteration,
  Marker,
  StateInterval,
  StepRecord,
  SwitchReason,
  TaskRecord,
  ThreadInfo,
  ThreadState,
  Trace,
} from "./trace/types.js";
export { THREAD_STATES } from "./trace/types.js";
