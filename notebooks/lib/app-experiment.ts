import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { arch, cpus, platform, release } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../../src/io/atomic.js";
import { poissonSchedule } from "../../src/load/schedule.js";
import { type AppConfig, demoTraffic, type MeasuredRun, measureConfig } from "./app-bench.js";

/*
 * The prove-it experiment of "start from your own app" (issue 15): the demo service recorded at
 * one configuration, then measured without the recorder at that one and at others. Everything
 * the notebook needs is kept in data/app/ (the recording and, per configuration and repeat, every
 * client-side latency), so notebooks/your-app.ts is reproducible without running the app;
 * `npx tsx notebooks/your-app.ts --live` measures again (under the machine lock on a shared host).
 */

export const APP_DATA_DIR = join(import.meta.dirname, "..", "..", "data", "app");
/** The recording the scenario is fitted to. */
export const RECORDING_FILE = "recording-threads-4.jsonl";
/** Every measured run, with the machine, the load, the Python and the date. */
export const MEASURED_FILE = "measured.json";

/** The configuration the app is recorded at. */
export const BASE: AppConfig = { id: "threads-4", mode: "threads", workers: 4, rate: 200 };

/** The configurations measured (and predicted): the base, other pool sizes, a higher rate, asyncio with to_thread. */
export const CONFIGS: readonly AppConfig[] = [
  { id: "threads-1", mode: "threads", workers: 1, rate: 200 },
  { id: "threads-2", mode: "threads", workers: 2, rate: 200 },
  BASE,
  { id: "threads-8", mode: "threads", workers: 8, rate: 200 },
  { id: "threads-16", mode: "threads", workers: 16, rate: 200 },
  { id: "threads-4-at-250", mode: "threads", workers: 4, rate: 250 },
  { id: "asyncio-4", mode: "asyncio", workers: 4, rate: 200 },
];

/** The traffic of every run: warm-up requests (not kept), then measured ones; repeat r uses seed + r. */
export const LOAD = { count: 1000, warmup: 200, seed: 1 } as const;
/** Runs per configuration. */
export const REPEATS = 5;

/** The service-level objective the recommend check asks for, at the base rate. */
export const SLO = "p99<25ms";

/** One measured run, summarised, with every latency kept (µs, in send order). */
export interface AppRun {
  repeat: number;
  seed: number;
  /** Wall-clock start of the measured traffic (ISO 8601). */
  started: string;
  python: string;
  /** Client-side latency percentiles (connect to close), ns; linear interpolation between order statistics. */
  p50: number;
  p95: number;
  p99: number;
  /** Requests answered with an error status or not at all, and requests the generator skipped. */
  failed: number;
  skipped: number;
  /** The server's CPU over the measured traffic, in cores; the load generator's own, in cores. */
  serverCores: number;
  clientCores: number;
  /** ns per iteration of a fixed pure-Python loop just before and after: the host's speed. */
  speedBefore: number;
  speedAfter: number;
  /** Every measured request's client-side latency, µs, in send order. */
  latenciesUs: number[];
}

export interface AppConfigRuns {
  config: AppConfig;
  /** Why it was measured: in CONFIGS, or picked by the recommend check. */
  why: "config" | "recommend";
  runs: AppRun[];
}

export interface AppData {
  format: 1;
  /** When the measurements ended (ISO 8601). */
  date: string;
  machine: { cpu: string; cores: number; platform: string; kernel: string; arch: string };
  python: string;
  load: {
    count: number;
    warmup: number;
    seed: number;
    repeats: number;
    kinds: { name: string; weight: number }[];
    note: string;
  };
  /** The recorded run the scenario is fitted to (its client-side view, with the recorder on). */
  recording: { file: string; config: AppConfig; run: AppRun };
  slo: { text: string; rate: number; recommended: number | null };
  configs: AppConfigRuns[];
}

/** The quantile of sorted values, linearly interpolated (as summarizeLatencies does). */
export function quantileOf(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  return a + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] as number) - a);
}

function summarize(m: MeasuredRun, repeat: number, seed: number): AppRun {
  const ok = m.samples.filter((s) => s.latency >= 0 && s.status >= 200 && s.status < 300);
  const sorted = ok.map((s) => s.latency).sort((a, b) => a - b);
  return {
    repeat,
    seed,
    started: m.started,
    python: m.python,
    p50: quantileOf(sorted, 0.5),
    p95: quantileOf(sorted, 0.95),
    p99: quantileOf(sorted, 0.99),
    failed: m.samples.length - ok.length,
    skipped: m.skipped,
    serverCores: Number((m.serverCpu / m.duration).toFixed(4)),
    clientCores: Number(((m.clientCpu ?? 0) / m.duration).toFixed(4)),
    speedBefore: Number(m.speedBefore.toFixed(2)),
    speedAfter: Number(m.speedAfter.toFixed(2)),
    latenciesUs: m.samples.map((s) => (s.latency < 0 ? -1 : Math.round(s.latency / 1000))),
  };
}

/**
 * The planned arrival instants of a measured run's traffic, ms from the start of its measured
 * part: the load generator's seeded Poisson schedule, known before the run (what a replay of
 * the traffic predicts from).
 */
export function plannedTimes(config: AppConfig, seed: number, count: number = LOAD.count): number[] {
  const weights = demoTraffic().map((k) => k.weight ?? 1);
  return poissonSchedule(config.rate, count, weights, seed).map((p) => p.at / 1e6);
}

function machine(): AppData["machine"] {
  return {
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: cpus().length,
    platform: platform(),
    kernel: release(),
    arch: arch(),
  };
}

export function readAppData(dir = APP_DATA_DIR): AppData {
  return JSON.parse(readFileSync(join(dir, MEASURED_FILE), "utf8")) as AppData;
}

export interface LiveOptions {
  python: string;
  dir: string;
  /** Told after each run: its label and how many are done of how many. */
  onRun?: (label: string, done: number, total: number) => void;
  /**
   * Given the recording, the thread-pool size recommend picks for SLO at the base rate (or null),
   * so that size and the one below it are measured too.
   */
  recommendFrom: (recording: string) => Promise<number | null>;
}

/**
 * Measures everything again: records the base configuration, asks `recommendFrom` for the pool
 * size to check, then runs every configuration (and the recommended size and the one below it)
 * REPEATS times, interleaved (repeat 1 of each, then repeat 2, ...) so a slow spell of the host
 * touches every configuration alike. Writes data/app/ only when all of it worked.
 */
export async function measureLive(options: LiveOptions): Promise<AppData> {
  const tmp = join(options.dir, ".live");
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const recording = join(tmp, RECORDING_FILE);
  const kinds = demoTraffic().map((k) => ({ name: k.name, weight: k.weight ?? 1 }));
  const configs: AppConfigRuns[] = CONFIGS.map((config) => ({ config, why: "config", runs: [] }));
  let done = 0;
  const recorded = await measureConfig(BASE, {
    python: options.python,
    count: LOAD.count,
    warmup: LOAD.warmup,
    seed: LOAD.seed,
    recordTo: recording,
  });
  options.onRun?.(`${BASE.id} recorded`, ++done, 1 + (CONFIGS.length + 2) * REPEATS);
  const recommended = await options.recommendFrom(recording);
  if (recommended !== null) {
    for (const n of [recommended - 1, recommended]) {
      if (
        n < 1 ||
        configs.some((c) => c.config.mode === "threads" && c.config.workers === n && c.config.rate === BASE.rate)
      )
        continue;
      configs.push({
        config: { id: `threads-${n}`, mode: "threads", workers: n, rate: BASE.rate },
        why: "recommend",
        runs: [],
      });
    }
  }
  const planned = 1 + configs.length * REPEATS;
  for (let r = 0; r < REPEATS; r++) {
    for (const c of configs) {
      const seed = LOAD.seed + r;
      const m = await measureConfig(c.config, { python: options.python, count: LOAD.count, warmup: LOAD.warmup, seed });
      c.runs.push(summarize(m, r, seed));
      options.onRun?.(`${c.config.id} #${r + 1}`, ++done, planned);
    }
  }
  const python = execFileSync(options.python, ["-c", "import platform; print(platform.python_version())"], {
    encoding: "utf8",
  }).trim();
  const data: AppData = {
    format: 1,
    date: new Date().toISOString(),
    machine: machine(),
    python,
    load: {
      count: LOAD.count,
      warmup: LOAD.warmup,
      seed: LOAD.seed,
      repeats: REPEATS,
      kinds,
      note: "open-loop Poisson from gilsim's load generator on the same host (127.0.0.1), one connection per request; the warm-up is sent first at the same rate and not kept; latency is client-side, from connect to the server closing the connection",
    },
    recording: { file: RECORDING_FILE, config: BASE, run: summarize(recorded, 0, LOAD.seed) },
    slo: { text: SLO, rate: BASE.rate, recommended },
    configs,
  };
  await writeFileAtomic(join(options.dir, RECORDING_FILE), readFileSync(recording, "utf8"));
  await writeFileAtomic(join(options.dir, MEASURED_FILE), `${JSON.stringify(data)}\n`);
  await rm(tmp, { recursive: true, force: true });
  return data;
}
