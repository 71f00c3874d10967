// gilsim's public entry: the engine, scenarios, the runtime model, metrics and traces.

export type {
  EcdfSeries,
  Figure,
  FigureOptions,
  HeatCell,
  LagPoint,
  ScalingPoint,
  SimRealPoint,
  TimelineOptions,
} from "./charts/index.js";
export {
  ecdfChart,
  heatmapChart,
  queueChart,
  scalingChart,
  simRealChart,
  svgToPng,
  timelineChart,
  utilizationChart,
  writeFigure,
} from "./charts/index.js";
export type { Distribution, Handler, Nanos, SimulationOptions } from "./engine/index.js";
export {
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
export type { ConcreteStep, FlatStep, PlannedTask, UnrolledStep } from "./model/plan.js";
export { planTasks, TaskPlanner } from "./model/plan.js";
export type { PythonVersion, RuntimeParams } from "./model/profiles.js";
export { PYTHON_VERSIONS, profile } from "./model/profiles.js";
export type { CpuAccounting, RunResult, SimulateOptions } from "./model/simulate.js";
export { simulate } from "./model/simulate.js";
export { profileFromCalibration, runCalibration } from "./real/calibrate.js";
export type { Comparison, MetricComparison } from "./real/compare.js";
export { compare, compareMetrics, comparisonOf } from "./real/compare.js";
export { HarnessError, RealSetupError } from "./real/errors.js";
export type { RealOptions } from "./real/options.js";
export type { MachineProfile } from "./real/profile.js";
export { applyProfile, readProfile, writeProfile } from "./real/profile.js";
export { findPython } from "./real/python.js";
export type { RealResult } from "./real/runner.js";
export { runReal } from "./real/runner.js";
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
