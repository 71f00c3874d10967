import { RealSetupError } from "./errors.js";
import type { CalibrationRates } from "./records.js";

/** How io steps wait: "sleep" (time.sleep, asyncio.sleep) or "echo" (a round trip to a loopback server). */
export type IoMode = "sleep" | "echo";

export interface RealProgress {
  /** starting: finding Python; calibrating: measuring work rates; running: tasks in flight; collecting: reading records. */
  phase: "starting" | "calibrating" | "running" | "collecting";
  completed: number;
  total: number;
}

export interface CalibrationOptions {
  /** Timed trials per rate (the median is used). Default 7. */
  trials?: number;
  /** Length of one trial in milliseconds. Default 2. */
  probeMs?: number;
  /** Bytes per hashlib update for gil "release" steps (at least 2048). Default 1 MiB. */
  releaseChunk?: number;
  /** Use these rates instead of the measured ones (both are still reported). Default: measured. */
  fixed?: CalibrationRates;
}

export interface RealOptions {
  /** The interpreter: a path or a command name. Default: python3 on PATH. */
  python?: string;
  /** Seed of the planned tasks (planTasks). Default: the scenario's seed. */
  seed?: number;
  /** Kill the harness and its process group after this many milliseconds. Default 300000. */
  timeoutMs?: number;
  /** How io steps wait. Default "sleep". */
  io?: IoMode;
  /** Called as the run goes (calibration, then completed tasks about 4 times a second). */
  onProgress?: (progress: RealProgress) => void;
  /** Aborting stops the harness and its process group. */
  signal?: AbortSignal;
  /** Stop the harness when this process gets SIGINT or SIGTERM (then rethrow as interrupted). Default true. */
  handleSignals?: boolean;
  calibration?: CalibrationOptions;
  /** Extra environment variables for the harness (tests use GILSIM_HARNESS_FAIL). */
  env?: Record<string, string>;
}

export interface NormalizedRealOptions {
  python: string | undefined;
  seed: number | undefined;
  timeoutMs: number;
  io: IoMode;
  onProgress: ((progress: RealProgress) => void) | undefined;
  signal: AbortSignal | undefined;
  handleSignals: boolean;
  calibration: { trials: number; probeNs: number; releaseChunk: number; fixed: CalibrationRates | null };
  env: Record<string, string>;
}

export const REAL_DEFAULTS = {
  timeoutMs: 300_000,
  io: "sleep" as IoMode,
  trials: 7,
  probeMs: 2,
  releaseChunk: 1 << 20,
};

function invalid(name: string, value: unknown, expected: string): RealSetupError {
  return new RealSetupError(`invalid ${name}: ${JSON.stringify(value) ?? String(value)} (expected ${expected})`);
}

function positiveNumber(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw invalid(name, value, "a positive number");
  }
  return value;
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) throw invalid(name, value, "a positive integer");
  return value;
}

/** Checks the options once and fills in the defaults; a bad value throws a RealSetupError naming it. */
export function normalizeRealOptions(options: RealOptions = {}): NormalizedRealOptions {
  const io = options.io ?? REAL_DEFAULTS.io;
  if (io !== "sleep" && io !== "echo") throw invalid("io", io, '"sleep" or "echo"');
  if (options.seed !== undefined && (!Number.isSafeInteger(options.seed) || options.seed < 0)) {
    throw invalid("seed", options.seed, "a non-negative integer");
  }
  const cal = options.calibration ?? {};
  const releaseChunk = positiveInt("calibration.releaseChunk", cal.releaseChunk, REAL_DEFAULTS.releaseChunk);
  if (releaseChunk < 2048) throw invalid("calibration.releaseChunk", releaseChunk, "at least 2048 bytes");
  let fixed: CalibrationRates | null = null;
  if (cal.fixed) {
    for (const key of ["pythonItersPerUs", "releaseBytesPerUs", "holdUnitsPerUs"] as const) {
      const value = cal.fixed[key];
      if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
        throw invalid(`calibration.fixed.${key}`, value, "a positive number of units per microsecond");
      }
    }
    fixed = { ...cal.fixed };
  }
  return {
    python: options.python,
    seed: options.seed,
    timeoutMs: positiveNumber("timeoutMs", options.timeoutMs, REAL_DEFAULTS.timeoutMs),
    io,
    onProgress: options.onProgress,
    signal: options.signal,
    handleSignals: options.handleSignals ?? true,
    calibration: {
      trials: positiveInt("calibration.trials", cal.trials, REAL_DEFAULTS.trials),
      probeNs: Math.round(positiveNumber("calibration.probeMs", cal.probeMs, REAL_DEFAULTS.probeMs) * 1e6),
      releaseChunk,
      fixed,
    },
    env: { ...(options.env ?? {}) },
  };
}
