import { readFileSync } from "node:fs";
import { cpus, release } from "node:os";
import { writeFileAtomic } from "../../io/atomic.js";
import { HarnessError, RealSetupError } from "../errors.js";
import { quantile } from "../fit.js";
import type { PythonInfo } from "../python.js";
import { runScript, scriptPath } from "../script.js";
import { minorOf } from "./interpreters.js";
import { BUSY_RULE, busyReasons, combineShares, isNoisy, type LoadShare, loadAverage } from "./load.js";
import { MECHANISM_IDS, mechanism } from "./registry.js";

/*
 * Recording the mechanism suite for one interpreter: mechanisms.py runs every experiment
 * `repeats` times; trials during which other work was busy (load.ts) are noisy and run again, and
 * so are experiments whose figures spread too widely across repeats (once). What cannot be made
 * clean is kept and flagged. Each figure is summarized across the trials kept: median, quartiles,
 * min and max. The record goes to data/mechanisms/<minor>.json.
 */

export const RECORD_FORMAT = 1;
/** Extra rounds for noisy or wide experiments. */
export const MAX_RETRY_ROUNDS = 2;
/** A figure is wide when its interquartile range exceeds this share of its median (shares: this much absolute). */
export const WIDE_RELATIVE = 0.5;
export const WIDE_SHARE = 0.25;

export interface FigureSummary {
  median: number;
  min: number;
  max: number;
  q1: number;
  q3: number;
  n: number;
  /** Every trial's value, in the order the trials ran. */
  values: number[];
}

export interface TrialSummary {
  repeat: number;
  /** 0 for the first pass, then 1, 2 for the retries. */
  round: number;
  /** Wall time of the trial, ns. */
  elapsed: number;
  load: LoadShare | null;
  noisy: boolean;
  /** Whether its figures are in the summaries. */
  used: boolean;
}

export interface ExperimentRecording {
  id: string;
  trials: TrialSummary[];
  figures: Record<string, FigureSummary>;
  /** Why some of it cannot be trusted; empty when it can. */
  flags: string[];
  /**
   * Set when it was recorded on its own (`--only`) and merged into an earlier recording: when,
   * with which interpreter build, settings and load (the recording's own fields describe the rest).
   */
  recorded?: {
    date: string;
    executable: string;
    settings: MechanismRecording["settings"];
    load: MechanismRecording["load"];
  };
}

export interface MechanismRecording {
  format: 1;
  python: {
    version: string;
    minor: string;
    implementation: string;
    executable: string;
    build: Record<string, unknown>;
    startMethod: string | null;
  };
  machine: { cores: number; platform: string; cpu: string | null; kernel: string | null };
  /** ISO 8601, when the recording began. */
  date: string;
  /** nice and policy: what the Python side ran at ("other", "idle", ...). */
  settings: { repeats: number; scale: number; priority: number; nice: number | null; policy: string | null };
  load: {
    /** 1-, 5-, 15-minute load averages before and after. */
    before: [number, number, number] | null;
    after: [number, number, number] | null;
    /** CPU shares of other work over every trial. */
    during: LoadShare | null;
    busy: boolean;
    reasons: string[];
    rule: string;
  };
  experiments: Record<string, ExperimentRecording>;
  /** Every flag of every experiment, "id: why". */
  flags: string[];
}

export interface RecordProgress {
  python: string;
  experiment: string;
  repeat: number;
  round: number;
  /** Trials done in this round, and how many it has. */
  done: number;
  total: number;
}

export interface RecordOptions {
  repeats?: number;
  scale?: number;
  priority?: number;
  only?: readonly string[];
  timeoutMs?: number;
  /** Extra rounds for noisy or wide experiments. Default MAX_RETRY_ROUNDS. */
  retryRounds?: number;
  onProgress?: (p: RecordProgress) => void;
  signal?: AbortSignal;
  handleSignals?: boolean;
}

interface Trial {
  id: string;
  repeat: number;
  round: number;
  elapsed: number;
  load: LoadShare | null;
  figures: Record<string, number | null>;
}

/** Median, quartiles, range of a figure's values. */
export function summarizeFigure(values: readonly number[]): FigureSummary {
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return {
    median: r(quantile(values, 0.5)),
    min: r(Math.min(...values)),
    max: r(Math.max(...values)),
    q1: r(quantile(values, 0.25)),
    q3: r(quantile(values, 0.75)),
    n: values.length,
    values: values.map(r),
  };
}

/** Whether a figure spreads too widely across its repeats to be trusted. */
export function isWide(s: FigureSummary, unit: string): boolean {
  if (s.n < 3) return false;
  const iqr = s.q3 - s.q1;
  if (unit === "share") return iqr > WIDE_SHARE;
  return Math.abs(s.median) > 0 ? iqr / Math.abs(s.median) > WIDE_RELATIVE : iqr > 0;
}

function figureUnits(id: string): Map<string, string> {
  return new Map((mechanism(id)?.figures ?? []).map((f) => [f.key, f.unit]));
}

function summarize(trials: readonly Trial[]): Record<string, FigureSummary> {
  const keys = new Set<string>();
  for (const t of trials) for (const k of Object.keys(t.figures)) keys.add(k);
  const out: Record<string, FigureSummary> = {};
  for (const k of [...keys].sort()) {
    const values = trials
      .map((t) => t.figures[k])
      .filter((v): v is number => typeof v === "number" && Number.isFinite(v));
    if (values.length > 0) out[k] = summarizeFigure(values);
  }
  return out;
}

function wideFigures(id: string, trials: readonly Trial[]): string[] {
  const units = figureUnits(id);
  return Object.entries(summarize(trials))
    .filter(
      ([k, s]) =>
        (mechanism(id)?.figures.find((f) => f.key === k)?.role ?? "input") === "compared" &&
        isWide(s, units.get(k) ?? "ns"),
    )
    .map(([k]) => k);
}

/** Records the suite in one interpreter. Throws RealSetupError or HarnessError. */
export async function recordMechanisms(python: PythonInfo, options: RecordOptions = {}): Promise<MechanismRecording> {
  const repeats = options.repeats ?? 5;
  if (!(Number.isInteger(repeats) && repeats >= 1 && repeats <= 50)) {
    throw new RealSetupError(`invalid repeats: ${repeats} (expected an integer from 1 to 50)`);
  }
  const scale = options.scale ?? 1;
  if (!(Number.isFinite(scale) && scale > 0 && scale <= 10)) {
    throw new RealSetupError(`invalid scale: ${scale} (expected a number above 0, at most 10)`);
  }
  const priority = options.priority ?? 0;
  const ids = options.only ?? MECHANISM_IDS;
  for (const id of ids) {
    if (!MECHANISM_IDS.includes(id))
      throw new RealSetupError(`invalid experiment: ${id} (expected one of ${MECHANISM_IDS.join(", ")})`);
  }
  const date = new Date().toISOString();
  const before = loadAverage();
  const trials: Trial[] = [];
  let hello: Record<string, unknown> | null = null;

  const pass = async (only: readonly string[], n: number, round: number): Promise<void> => {
    let done = 0;
    const total = only.length * n;
    const run = await runScript(
      python.command,
      scriptPath("mechanisms.py"),
      { format: 1, scale, repeats: n, only },
      {
        label: "mechanism suite",
        timeoutMs: options.timeoutMs ?? 30 * 60_000,
        signal: options.signal,
        handleSignals: options.handleSignals ?? true,
        env: priority > 0 ? { GILSIM_PRIORITY: String(priority) } : {},
        onRecord: (r) => {
          if (r.type === "trial") {
            done++;
            const next = only[done % only.length] ?? "";
            options.onProgress?.({
              python: python.version,
              experiment: done < total ? next : String(r.id),
              repeat: Math.floor(done / only.length),
              round,
              done,
              total,
            });
          }
        },
      },
    );
    for (const r of run.records) {
      if (r.type === "hello") hello ??= r;
      if (r.type !== "trial") continue;
      if (!MECHANISM_IDS.includes(String(r.id))) {
        throw new HarnessError(
          `mechanism suite wrote an unknown experiment: ${JSON.stringify(r.id)}`,
          "protocol",
          run.pid,
          run.stderr,
        );
      }
      trials.push({
        id: String(r.id),
        repeat: Number(r.repeat),
        round,
        elapsed: Number(r.elapsed),
        load: (r.load as LoadShare | null) ?? null,
        figures: (r.figures as Record<string, number | null>) ?? {},
      });
    }
  };

  await pass(ids, repeats, 0);
  const widened = new Set<string>();
  for (let round = 1; round <= (options.retryRounds ?? MAX_RETRY_ROUNDS); round++) {
    const redo: string[] = [];
    let need = 0;
    for (const id of ids) {
      const clean = trials.filter((t) => t.id === id && !isNoisy(t.load));
      const short = repeats - clean.length;
      const wide = !widened.has(id) && clean.length >= 3 && wideFigures(id, clean).length > 0;
      if (short > 0 || wide) {
        redo.push(id);
        need = Math.max(need, short > 0 ? short : Math.max(2, Math.ceil(repeats / 2)));
        if (wide) widened.add(id);
      }
    }
    if (redo.length === 0) break;
    await pass(redo, need, round);
  }

  const h = hello as Record<string, unknown> | null;
  if (!h) throw new HarnessError('mechanism suite wrote no "hello" record', "protocol", null, []);
  const experiments: Record<string, ExperimentRecording> = {};
  const flags: string[] = [];
  for (const id of ids) {
    const all = trials.filter((t) => t.id === id);
    const clean = all.filter((t) => !isNoisy(t.load));
    const enough = Math.min(3, repeats);
    const use = clean.length >= enough ? clean : all;
    const expFlags: string[] = [];
    if (use === all && clean.length < all.length) {
      expFlags.push(`busy: only ${clean.length} of ${all.length} trials ran while the machine was quiet; all are kept`);
    }
    for (const k of wideFigures(id, use))
      expFlags.push(`wide: ${k} spread more than the limit across ${use.length} trials`);
    const figures = summarize(use);
    experiments[id] = {
      id,
      trials: all.map((t) => ({
        repeat: t.repeat,
        round: t.round,
        elapsed: t.elapsed,
        load: t.load,
        noisy: isNoisy(t.load),
        used: use.includes(t),
      })),
      figures,
      flags: expFlags,
    };
    for (const f of expFlags) flags.push(`${id}: ${f}`);
  }
  const cores = Number(h.cores) || 1;
  const during = combineShares(trials.map((t) => t.load));
  const nice = typeof h.nice === "number" ? h.nice : null;
  const reasons = busyReasons(before?.[0] ?? null, during, cores, nice);
  const build = (h.build as Record<string, unknown>) ?? {};
  return {
    format: RECORD_FORMAT,
    python: {
      version: python.version,
      minor: minorOf(python),
      implementation: String(h.implementation ?? python.implementation),
      executable: String(h.executable ?? python.executable),
      build,
      startMethod: typeof h.startMethod === "string" ? h.startMethod : null,
    },
    machine: {
      cores,
      platform: String(h.platform ?? process.platform),
      cpu: cpus()[0]?.model.trim() || null,
      kernel: release() || null,
    },
    date,
    settings: { repeats, scale, priority, nice, policy: typeof h.policy === "string" ? h.policy : null },
    load: { before, after: loadAverage(), during, busy: reasons.length > 0, reasons, rule: BUSY_RULE },
    experiments,
    flags,
  };
}

/**
 * A recording of some experiments (`--only`) merged into an earlier recording of the same
 * interpreter version: those experiments replaced (or added, in the suite's order), each marked
 * with when and how it was recorded; the other experiments, their flags and the recording's own
 * fields kept. Throws when the two are of different versions.
 */
export function mergeRecordings(old: MechanismRecording, fresh: MechanismRecording): MechanismRecording {
  if (old.python.version !== fresh.python.version)
    throw new Error(
      `cannot merge a recording of Python ${fresh.python.version} into one of Python ${old.python.version}: record every experiment again`,
    );
  const replaced = new Set(Object.keys(fresh.experiments));
  const experiments: Record<string, ExperimentRecording> = {};
  const order = [...MECHANISM_IDS, ...Object.keys(old.experiments).filter((id) => !MECHANISM_IDS.includes(id))];
  for (const id of order) {
    const f = fresh.experiments[id];
    const o = old.experiments[id];
    if (f)
      experiments[id] = {
        ...f,
        recorded: { date: fresh.date, executable: fresh.python.executable, settings: fresh.settings, load: fresh.load },
      };
    else if (o) experiments[id] = o;
  }
  const flags = [...old.flags.filter((f) => !replaced.has(f.slice(0, f.indexOf(":")))), ...fresh.flags];
  return { ...old, experiments, flags };
}

/** A recording read from its file, or null when the file is not a recording of this format. */
export function readRecording(path: string): MechanismRecording | null {
  const rec = JSON.parse(readFileSync(path, "utf8")) as MechanismRecording;
  return rec.format === RECORD_FORMAT ? rec : null;
}

/** Writes a recording atomically: two-space JSON, a final newline. */
export async function writeRecording(path: string, rec: MechanismRecording): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(rec, null, 1)}\n`);
}
