import { readFileSync } from "node:fs";
import { cpus, getPriority, loadavg, platform, release } from "node:os";
import { isDeepStrictEqual } from "node:util";
import { compare } from "../real/compare.js";
import type { RealProgress } from "../real/options.js";
import type { MachineProfile } from "../real/profile.js";
import type { PythonInfo } from "../real/python.js";
import { parseScenario } from "../scenario/scenario.js";
import { type RandomRecord, recordPath, toRandomRecord, writeRandomRecord } from "./record.js";
import type { RandomScenario } from "./space.js";

/*
 * Running random scenarios in real CPython and recording them, resumably: a scenario already
 * recorded is kept and not run again, so a long recording can be done in chunks (--max-time) and
 * picked up where it stopped. Each scenario runs `runs` times (the same planned tasks each time)
 * in the interpreter of its drawn version; a version missing on this machine is skipped and said so.
 */

/** Per real run, besides the run itself: the quiet-machine sample before it and the busy sample after. */
export const SAMPLE_SECONDS = 0.5;

/** Wall time of one session profile's measurement (gilsim calibrate at scale 1), for estimates and --max-time. */
export const CALIBRATE_SECONDS = 8;

export interface RecordingPlan {
  /** Drawn scenarios with a record already. */
  recorded: RandomScenario[];
  /** Scenarios to run, in order. */
  toRun: RandomScenario[];
  /** Scenarios whose Python version this machine does not have. */
  missing: { scenario: RandomScenario; version: string }[];
  /** Estimated wall time of the runs to do, in seconds. */
  seconds: number;
}

/**
 * What a recording of `scenarios` would do given the records at hand and the Python versions
 * available ("3.11"; null: count every version as available, to estimate).
 * Throws an Error when a record does not hold the scenario the generator draws for its id (a record
 * of another generator version, or edited by hand): mixing those would make the set meaningless.
 */
export function planRecording(
  scenarios: readonly RandomScenario[],
  existing: ReadonlyMap<string, RandomRecord>,
  available: ReadonlySet<string> | null,
  runs: number,
  dir: string,
): RecordingPlan {
  const plan: RecordingPlan = { recorded: [], toRun: [], missing: [], seconds: 0 };
  for (const s of scenarios) {
    const rec = existing.get(s.id);
    if (rec) {
      if (rec.generator !== s.generator || !isDeepStrictEqual(rec.input, s.input)) {
        throw new Error(
          `${recordPath(dir, s.seed, s.id)} does not hold the scenario the generator (version ${s.generator}) draws for ${s.id}: it was recorded with generator ${rec.generator}; move that set aside to record a new one`,
        );
      }
      plan.recorded.push(s);
    } else if (available !== null && !available.has(s.version)) plan.missing.push({ scenario: s, version: s.version });
    else {
      plan.toRun.push(s);
      plan.seconds += runs * (s.seconds + SAMPLE_SECONDS);
    }
  }
  return plan;
}

export type RecordEvent =
  | { kind: "scenario"; scenario: RandomScenario; position: number; of: number }
  | { kind: "calibrate"; version: string }
  | { kind: "calibrated"; version: string; busy: string[] }
  | { kind: "run"; scenario: RandomScenario; run: number; runs: number; progress: RealProgress }
  | { kind: "recorded"; scenario: RandomScenario; path: string; seconds: number };

export interface RecordOptions {
  dir: string;
  runs: number;
  pythons: ReadonlyMap<string, PythonInfo>;
  /** Nice -N asked for the harness (0: unchanged). */
  priority: number;
  quietWaitMs: number;
  quietThreshold: number;
  timeoutMs: number;
  /** Start no new scenario once this many seconds have gone by (null: no limit). */
  maxSeconds: number | null;
  signal?: AbortSignal;
  onEvent?: (event: RecordEvent) => void;
  /**
   * Measures this session's machine profile for an interpreter (gilsim calibrate), once per
   * version, before its first scenario; each record of that version carries it. Absent: records
   * carry no profile and are simulated with data/profiles.
   */
  calibrate?: (python: PythonInfo) => Promise<{ profile: MachineProfile; busy: string[] }>;
}

/** This machine, as a record states it. */
export function machineInfo(): RandomRecord["machine"] {
  return {
    cores: cpus().length,
    platform: platform(),
    cpu: cpus()[0]?.model.trim() || null,
    kernel: release() || null,
  };
}

const POLICIES = ["SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE"];

/**
 * This process's Linux scheduling policy (field 41 of /proc/self/stat), or null elsewhere. Under
 * SCHED_IDLE, nice values mean nothing and every other runnable task delays the runs by up to a
 * scheduler slice: record with SCHED_OTHER (chrt -o 0) on a machine that idles other work.
 */
export function schedPolicy(): string | null {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return POLICIES[Number(fields[38])] ?? null;
  } catch {
    return null;
  }
}

const loads = (): number[] => loadavg().map((x) => Math.round(x * 100) / 100);

/**
 * Runs and records each scenario of plan.toRun (see planRecording), writing each record as soon as
 * its runs are done. Returns the ids recorded, and whether it stopped early for maxSeconds.
 */
export async function recordScenarios(
  plan: RecordingPlan,
  options: RecordOptions,
): Promise<{ recorded: string[]; stopped: boolean; seconds: number }> {
  const t0 = performance.now();
  const elapsed = () => (performance.now() - t0) / 1000;
  const recorded: string[] = [];
  const machine = machineInfo();
  const policy = schedPolicy();
  let nice: number | null = null;
  try {
    nice = getPriority();
  } catch {
    nice = null;
  }
  const profiles = new Map<string, MachineProfile>();
  for (const [k, s] of plan.toRun.entries()) {
    // A version not yet calibrated in this session costs its profile's measurement first.
    // The first scenario of a call always runs, so that a limit shorter than one scenario still
    // makes progress from call to call.
    const calibrate = profiles.has(s.version) ? undefined : options.calibrate;
    const cost = (calibrate ? CALIBRATE_SECONDS : 0) + (s.seconds + SAMPLE_SECONDS) * options.runs;
    if (options.maxSeconds !== null && k > 0 && elapsed() + cost > options.maxSeconds) {
      return { recorded, stopped: true, seconds: elapsed() };
    }
    const python = options.pythons.get(s.version);
    if (!python) throw new Error(`no Python ${s.version} for ${s.id}`);
    if (calibrate) {
      options.onEvent?.({ kind: "calibrate", version: s.version });
      const measured = await calibrate(python);
      profiles.set(s.version, measured.profile);
      options.onEvent?.({ kind: "calibrated", version: s.version, busy: measured.busy });
    }
    options.onEvent?.({ kind: "scenario", scenario: s, position: k, of: plan.toRun.length });
    const started = elapsed();
    const before = loads();
    const c = await compare(parseScenario(s.input, s.id), {
      runs: options.runs,
      python: python.command,
      priority: options.priority,
      quietWaitMs: options.quietWaitMs,
      quietThreshold: options.quietThreshold,
      timeoutMs: options.timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (p) => options.onEvent?.({ kind: "run", scenario: s, run: p.run, runs: p.runs, progress: p }),
    });
    const rec = toRandomRecord(s, c.real, {
      machine,
      load: { before, after: loads() },
      python: { version: c.real[0]?.python ?? python.version, executable: python.executable },
      policy,
      nice,
      priority: options.priority,
      profile: profiles.get(s.version) ?? null,
    });
    const path = await writeRandomRecord(options.dir, rec);
    recorded.push(s.id);
    options.onEvent?.({ kind: "recorded", scenario: s, path, seconds: elapsed() - started });
  }
  return { recorded, stopped: false, seconds: elapsed() };
}
