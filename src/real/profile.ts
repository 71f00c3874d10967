import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { parseDuration } from "../engine/time.js";
import { writeFileAtomic } from "../io/atomic.js";
import { readFailure } from "../io/read-failure.js";
import { formatIssues, ScenarioError } from "../scenario/errors.js";
import { type KernelName, parseScenario } from "../scenario/scenario.js";
import { ipcCurveOf } from "./runtime-map.js";

/*
 * A machine profile: this machine's CPython runtime costs, measured by `gilsim calibrate`, as
 * overrides of a scenario's `runtime` section, and the OS time slice for its `machine` section. A
 * scenario run with a profile uses the measured values wherever it does not set a value itself.
 *
 *   { "format": 1, "machine": { "cores": 2, "slice": "4ms", ... }, "python": "3.11.7", "created": "...",
 *     "runtime": { "gilWakeup": { "dist": "lognormal", "median": "14us", "p99": "40us" }, ... },
 *     "measured": { "wakeup": { "median": 14100, "p99": 40200, "n": 200, "unit": "ns" }, ... } }
 */

/** One measured quantity (raw, before it is mapped to runtime parameters). */
export interface MeasuredQuantity {
  median: number;
  p99: number;
  n: number;
  /** "ns", or "ns/byte" for a slope. */
  unit: string;
  /** What was measured, in a few words. */
  note?: string;
}

export interface MachineProfile {
  format: 1;
  machine: {
    /** CPUs the calibration could use. */
    cores: number;
    /** sys.platform. */
    platform: string;
    /** The CPU model, when known. */
    cpu: string | null;
    /** The OS release (uname -r), when known. */
    kernel: string | null;
    /** The OS time slice measured ("4ms"), applied as machine.slice; null when not measured. */
    slice: string | null;
    /** The cold start fitted to the cold-start experiment, applied as machine.coldStart; absent when not measured. */
    coldStart?: { max: string; tau: string; slowdown: number };
    /** The late timers measured by the timer-tail experiment, applied as machine.timerTail; absent when not measured. */
    timerTail?: { share: number; min: string; max: string };
    /** Whether the CPUs share a cache the kernel knows of (topology.ts), applied as machine.sharedCache; absent when not known. */
    sharedCache?: boolean;
  };
  /** The interpreter measured: "3.11.7". */
  python: string;
  /** When it was measured (ISO 8601). */
  created: string;
  /** Overrides of a scenario's runtime section, in scenario syntax ("12us", {"dist": "lognormal", ...}). */
  runtime: Record<string, unknown>;
  /** The raw measurements behind them, by experiment. */
  measured: Record<string, MeasuredQuantity>;
}

/** Runtime keys a profile may not set: they are the scenario's choices, not the machine's costs. */
const SCENARIO_CHOICES = ["python", "gil", "switchInterval"] as const;

const measuredSchema = z.strictObject({
  median: z.number(),
  p99: z.number(),
  n: z.number().int().nonnegative(),
  unit: z.string(),
  note: z.string().optional(),
});

const profileSchema = z.strictObject({
  format: z.literal(1, { error: "expected 1" }),
  machine: z.strictObject({
    cores: z.number().int().positive(),
    platform: z.string(),
    cpu: z.string().nullable(),
    kernel: z.string().nullable(),
    slice: z.string().nullable(),
    coldStart: z.strictObject({ max: z.string(), tau: z.string(), slowdown: z.number() }).optional(),
    timerTail: z.strictObject({ share: z.number(), min: z.string(), max: z.string() }).optional(),
    sharedCache: z.boolean().optional(),
  }),
  python: z.string(),
  created: z.string(),
  runtime: z.record(z.string(), z.unknown()),
  measured: z.record(z.string(), measuredSchema),
});

/** The profile recorded on the machine that made the validation data (used by compare by default). */
export const DEFAULT_PROFILE_PATH = fileURLToPath(
  new URL("../../data/validation/machine-profile.json", import.meta.url),
);

/** The problems of a profile object, each as "path: what is wrong"; empty when it is good. */
export function profileProblems(value: unknown): string[] {
  const result = profileSchema.safeParse(value, { reportInput: true });
  if (!result.success) return formatIssues(result.error.issues);
  const problems: string[] = [];
  for (const key of SCENARIO_CHOICES) {
    if (key in result.data.runtime) {
      problems.push(`runtime.${key}: not allowed in a machine profile (the scenario chooses it)`);
    }
  }
  if (problems.length > 0) return problems;
  try {
    parseScenario({
      executor: { kind: "sync" },
      workload: { arrivals: { kind: "batch", count: 1 }, classes: [{ steps: [{ cpu: "1ms" }] }] },
      runtime: result.data.runtime,
      machine: {
        ...(result.data.machine.slice === null ? {} : { slice: result.data.machine.slice }),
        ...(result.data.machine.coldStart ? { coldStart: result.data.machine.coldStart } : {}),
        ...(result.data.machine.timerTail ? { timerTail: result.data.machine.timerTail } : {}),
      },
    });
  } catch (error) {
    if (error instanceof ScenarioError) return [...error.problems];
    throw error;
  }
  return [];
}

/** Checks a parsed JSON value as a profile; throws a ScenarioError naming `source` and each problem. */
export function parseProfile(value: unknown, source = "profile"): MachineProfile {
  const problems = profileProblems(value);
  if (problems.length > 0) throw new ScenarioError(problems, source);
  return value as MachineProfile;
}

/** Reads and checks a profile file; a missing or unreadable file is a ScenarioError too. */
export function readProfile(path: string): MachineProfile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const why = readFailure(error);
    throw new ScenarioError([`cannot read the machine profile (${why})`], path);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError([`invalid JSON (${(error as Error).message})`], path);
  }
  return parseProfile(value, path);
}

/** The default profile, or null when the repository has none. */
export function defaultProfile(): MachineProfile | null {
  return existsSync(DEFAULT_PROFILE_PATH) ? readProfile(DEFAULT_PROFILE_PATH) : null;
}

/** Writes a profile atomically, keys in a fixed order, with a final newline. */
export async function writeProfile(path: string, profile: MachineProfile): Promise<void> {
  const m = profile.machine;
  const ordered: MachineProfile = {
    format: 1,
    machine: {
      cores: m.cores,
      slice: m.slice,
      ...(m.coldStart
        ? { coldStart: { max: m.coldStart.max, tau: m.coldStart.tau, slowdown: m.coldStart.slowdown } }
        : {}),
      ...(m.timerTail ? { timerTail: { share: m.timerTail.share, min: m.timerTail.min, max: m.timerTail.max } } : {}),
      ...(m.sharedCache !== undefined ? { sharedCache: m.sharedCache } : {}),
      platform: m.platform,
      cpu: m.cpu,
      kernel: m.kernel,
    },
    python: profile.python,
    created: profile.created,
    runtime: profile.runtime,
    measured: profile.measured,
  };
  await writeFileAtomic(path, `${JSON.stringify(ordered, null, 2)}\n`);
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * The raw scenario input with the profile's runtime overrides merged into its `runtime` section
 * the measured scheduler period into `machine.tick` and the Linux release it ran into
 * `machine.kernel` (see kernelOf); values the scenario sets itself win, and
 * a profile never overrides what a scenario chose: its process start-up is a measurement for the
 * start method it was measured with (fork), used only by pools that start that way. Anything that
 * is not a scenario object (or has a runtime or machine that is not an object) comes back as it
 * is, for parseScenario to report.
 */
export function applyProfile(input: unknown, profile: MachineProfile | null): unknown {
  if (profile === null || !isObject(input)) return input;
  const { runtime, machine } = input;
  if ((runtime !== undefined && !isObject(runtime)) || (machine !== undefined && !isObject(machine))) return input;
  const { processStart, ...measured } = profile.runtime as Record<string, unknown>;
  const fromProfile: Record<string, unknown> = { ...measured };
  // A profile from before the pipe's pieces were modelled (no pipeWakeup) fitted its ipcPerByte
  // to round trips that hold those wake-ups: adding the default wake-ups on top would count them
  // twice, so it runs with none (unless the scenario sets its own cost, ipcPerByte or ipcBySize,
  // or its own pipeWakeup).
  const own = isObject(runtime) ? runtime : {};
  const ownCost = own.ipcPerByte !== undefined || own.ipcBySize !== undefined;
  if (measured.ipcPerByte !== undefined && measured.pipeWakeup === undefined && !ownCost) {
    fromProfile.pipeWakeup = 0;
  }
  // A profile from before the cost by size was kept takes it from its round trips. A scenario that
  // sets its own cost keeps it whole: its ipcPerByte alone is a linear cost (none of the profile's
  // sizes), its ipcBySize alone goes on past its last size at the version default's ipcPerByte
  // (the profile's is the slope of its own last piece).
  if (!ownCost) {
    if (measured.ipcBySize === undefined) {
      const curve = ipcCurveOf(profile.measured, measured.pipeWakeup !== undefined);
      if (curve) Object.assign(fromProfile, curve);
    }
  } else {
    delete fromProfile.ipcBySize;
    delete fromProfile.ipcPerByte;
  }
  if (processStart !== undefined) {
    const by = isObject(measured.processStartBy) ? measured.processStartBy : {};
    fromProfile.processStartBy = { fork: processStart, ...by };
  }
  const out: Record<string, unknown> = { ...input, runtime: { ...fromProfile, ...runtime } };
  // The measured run of a CPU-bound process beside another on one CPU: the scheduler's tick.
  const tick = tickOf(profile.machine.slice);
  const { coldStart, timerTail, sharedCache } = profile.machine;
  const kernel = profile.machine.platform === "linux" ? kernelOf(profile.machine.kernel) : null;
  if (tick !== null || coldStart || timerTail || kernel !== null || sharedCache !== undefined)
    out.machine = {
      ...(kernel !== null ? { kernel } : {}),
      ...(tick !== null ? { tick } : {}),
      ...(coldStart ? { coldStart } : {}),
      ...(timerTail ? { timerTail } : {}),
      ...(sharedCache !== undefined ? { sharedCache } : {}),
      ...machine,
    };
  return out;
}

/**
 * The scheduler a Linux release runs, as `machine.kernel` names it: "6.18.44-fc-v657" is
 * "eevdf-6.18" (6.18.5 brought proportional newidle balancing), 6.15 to 6.18.4 "eevdf-6.15",
 * 6.6 to 6.14 "eevdf", older "cfs". Null when it is not a release string (a profile from another
 * OS keeps the scenario's kernel). Stable point releases of 6.6.y and 6.12.y (among others) got
 * the proportional newidle balancing in January 2026; the release string does not say which, so
 * they map by series, and a scenario can name "eevdf-6.18" itself.
 */
export function kernelOf(release: string | null): KernelName | null {
  const m = release === null ? null : /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(release);
  if (!m) return null;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  const at = (a: number, b: number, c: number): boolean =>
    major !== a ? major > a : minor !== b ? minor > b : patch >= c;
  if (at(6, 18, 5)) return "eevdf-6.18";
  if (at(6, 15, 0)) return "eevdf-6.15";
  if (at(6, 6, 0)) return "eevdf";
  return "cfs";
}

/** Linux's tick lengths, 1/HZ for HZ = 1000, 300, 250 and 100. */
const TICKS_NS = [1_000_000, 3_333_333, 4_000_000, 10_000_000];

/**
 * The measured slice, applied as the tick when it lies within 25% of a 1/HZ tick; else null (a
 * measurement disturbed by other work, such as a 0.34 ms slice, is no tick, and the scenario's
 * default stays). A slice is the base slice rounded up to ticks, so with HZ=1000 it may measure a
 * few ms and be left out: the default tick then stays, a known limit.
 */
export function tickOf(slice: string | null): string | null {
  const ns = slice === null ? undefined : parseDuration(slice);
  if (ns === undefined) return null;
  const near = TICKS_NS.find((t) => Math.abs(ns - t) <= 0.25 * t);
  return near === undefined ? null : slice;
}
