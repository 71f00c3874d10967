/*
 * `gilsim/real`: the real-execution runner. It runs a scenario's tasks in real CPython through
 * the stdlib-only harness shipped beside it, compares them with the simulation, and calibrates a
 * machine profile. Node only (it starts python3 processes).
 */

export type { CalibrateOptions, CalibrationRun } from "./calibrate.js";
export { profileFromCalibration, runCalibration } from "./calibrate.js";
export type { CompareOptions, Comparison, MetricComparison, RealRun } from "./compare.js";
export { compare, compareMetrics, comparisonOf } from "./compare.js";
export { HarnessError, RealSetupError } from "./errors.js";
export type { IoMode, RealOptions, RealProgress } from "./options.js";
export type { MachineProfile, MeasuredQuantity } from "./profile.js";
export { applyProfile, DEFAULT_PROFILE_PATH, defaultProfile, readProfile, writeProfile } from "./profile.js";
export type { PythonInfo } from "./python.js";
export { findPython, MIN_PYTHON } from "./python.js";
export type { RealResult } from "./runner.js";
export { runReal } from "./runner.js";
