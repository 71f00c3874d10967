import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileAtomic } from "../io/atomic.js";
import { readFailure } from "../io/read-failure.js";
import { type CompactTrace, compactTrace, expandTrace } from "../real/compact.js";
import type { RealRun } from "../real/compare.js";
import { type MachineProfile, profileProblems } from "../real/profile.js";
import type { ScenarioInput } from "../scenario/schema.js";
import type { RandomScenario } from "./space.js";

/*
 * The recorded real runs of one random scenario, <dir>/seed-<S>/<id>.json. A record holds only what
 * was measured and what was run: the scenario, the machine and its load, the interpreter, the date,
 * and each run's tasks (arrival, start, end) and each thread's time per state, compacted (see
 * real/compact.ts). Nothing simulated is stored: every error is recomputed from the current model
 * when a report is made, so a model change shows at once against the same measurements.
 *
 * A record made since 2026-12-01 also holds the machine profile measured in the same session
 * (gilsim calibrate, just before the session's first scenario of that Python version). The same
 * virtual machine ran the same scenarios 6% to 12% slower at the median, and a process pool with
 * 1 MiB payloads 3.4 times slower at p99, in a recording a day earlier: the host's state moves what
 * a guest measures, so a scenario is simulated with the profile of the session that recorded it.
 */

/** Where the project keeps its recorded random scenarios. */
export const RANDOM_DATA_DIR = fileURLToPath(new URL("../../data/validation/random/", import.meta.url));

/**
 * Earlier recording sessions of the same sets, kept to show (and allow for) how far the machine
 * moved between sessions: <dir>/seed-<S>/ below each, as in RANDOM_DATA_DIR. Newest last.
 */
export const RANDOM_EARLIER_SESSIONS: readonly { date: string; dir: string; note?: string }[] = [
  { date: "2026-11-30", dir: join(RANDOM_DATA_DIR, "earlier", "2026-11-30") },
  {
    date: "2026-12-01 02:13 UTC",
    dir: join(RANDOM_DATA_DIR, "earlier", "2026-12-01-0213"),
    note: "Both earlier sessions ran the harness before it sized GIL-holding and hashing steps from the time a unit took lately (docs/validation.md): their C steps could run 0.6 to 1.9 times their CPU time, as the machine's speed moved from its calibration.",
  },
];

/** The records of a seed in every session: the earlier ones, then the current one (RANDOM_DATA_DIR). */
export function readSessions(seed: number): { dir: string; records: RandomRecord[] }[] {
  return [...RANDOM_EARLIER_SESSIONS.map((s) => s.dir), RANDOM_DATA_DIR].map((dir) => ({
    dir,
    records: [...readSet(dir, seed).values()],
  }));
}

/** The two recorded sets: the model may be tuned looking at the first, never at the second. */
export const RANDOM_SETS = {
  development: { seed: 1, count: 40 },
  heldOut: { seed: 2, count: 60 },
} as const;

export interface RandomRunRecord {
  /** Share of all cores busy just before and just after the run (null where unknown). */
  busyBefore: number | null;
  busyAfter: number | null;
  /** The runner's warnings (drift of the work rates, another Python). */
  warnings: string[];
  /** Tasks and each thread's time per state (lanes "totals"). */
  trace: CompactTrace;
}

export interface RandomRecord {
  format: 1;
  kind: "random-validation";
  id: string;
  seed: number;
  index: number;
  /** GENERATOR_VERSION the scenario was drawn with. */
  generator: number;
  /** When the runs were made (ISO 8601). */
  recorded: string;
  machine: { cores: number; platform: string; cpu: string | null; kernel: string | null };
  /** 1, 5 and 15 minute load averages before the first run and after the last. */
  load: { before: number[]; after: number[] };
  python: { version: string; executable: string };
  /** The recording process's scheduling policy ("SCHED_OTHER", "SCHED_IDLE", ...) and niceness, and the priority asked for the harness (nice -N). */
  policy: string | null;
  nice: number | null;
  priority: number;
  /** What the scenario was drawn to be (see space.ts). */
  drawn: {
    family: string;
    limited: boolean;
    arrivals: string;
    utilization: number | null;
    capacity: number;
    bottleneck: string;
  };
  /**
   * The machine profile measured in the session that made these runs, before its first scenario of
   * this version; absent in records made before 2026-12-01, or with `validate --no-calibrate`.
   */
  profile?: MachineProfile;
  input: ScenarioInput;
  runs: RandomRunRecord[];
}

export interface RecordContext {
  machine: RandomRecord["machine"];
  load: RandomRecord["load"];
  python: RandomRecord["python"];
  policy: string | null;
  nice: number | null;
  priority: number;
  recorded?: Date;
  /** The session's machine profile for this version, when one was measured. */
  profile?: MachineProfile | null;
}

const round3 = (x: number | null): number | null => (x === null ? null : Math.round(x * 1000) / 1000);

/** The record of a scenario's real runs, ready to write. */
export function toRandomRecord(s: RandomScenario, runs: readonly RealRun[], context: RecordContext): RandomRecord {
  return {
    format: 1,
    kind: "random-validation",
    id: s.id,
    seed: s.seed,
    index: s.index,
    generator: s.generator,
    recorded: (context.recorded ?? new Date()).toISOString(),
    machine: context.machine,
    load: context.load,
    python: context.python,
    policy: context.policy,
    nice: context.nice,
    priority: context.priority,
    drawn: {
      family: s.family,
      limited: s.limited,
      arrivals: s.arrivals,
      utilization: s.utilization,
      capacity: Number(s.capacity.perSecond.toPrecision(4)),
      bottleneck: s.capacity.bottleneck,
    },
    ...(context.profile ? { profile: context.profile } : {}),
    input: s.input,
    runs: runs.map((r) => ({
      busyBefore: round3(r.busyBefore),
      busyAfter: round3(r.busyAfter),
      warnings: r.warnings,
      trace: compactTrace(r.trace, { lanes: "totals" }),
    })),
  };
}

/** The real runs of a record as the comparison takes them. */
export function recordRuns(rec: RandomRecord): Omit<RealRun, "metrics">[] {
  return rec.runs.map((r) => ({
    python: rec.python.version,
    busyBefore: r.busyBefore,
    busyAfter: r.busyAfter,
    warnings: r.warnings,
    trace: expandTrace(r.trace),
  }));
}

export function setDir(dir: string, seed: number): string {
  return join(dir, `seed-${seed}`);
}

export function recordPath(dir: string, seed: number, id: string): string {
  return join(setDir(dir, seed), `${id}.json`);
}

/** Checks a parsed record; throws an Error naming the file and what is wrong. */
export function checkRecord(value: unknown, path: string): RandomRecord {
  const rec = value as Partial<RandomRecord> | null;
  const problem =
    rec === null || typeof rec !== "object"
      ? "not an object"
      : rec.format !== 1 || rec.kind !== "random-validation"
        ? 'expected format 1 and kind "random-validation"'
        : typeof rec.id !== "string" || !Number.isInteger(rec.seed) || !Number.isInteger(rec.index)
          ? "expected an id, a seed and an index"
          : !rec.input || typeof rec.input !== "object"
            ? "expected the scenario input"
            : !Array.isArray(rec.runs) || rec.runs.length === 0
              ? "expected at least one run"
              : !rec.python || typeof rec.python.version !== "string"
                ? "expected the interpreter's version"
                : rec.profile !== undefined
                  ? (profileProblems(rec.profile).map((p) => `its session profile: ${p}`)[0] ?? null)
                  : null;
  if (problem) throw new Error(`${path} is not a random-validation record (${problem})`);
  return rec as RandomRecord;
}

/** Reads one record; a missing or malformed file is an Error naming it. */
export function readRandomRecord(path: string): RandomRecord {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`cannot read ${path} (${readFailure(error)})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not valid JSON (${(error as Error).message})`);
  }
  return checkRecord(value, path);
}

/** The records of a seed in `dir`, by id (an empty map when there are none). */
export function readSet(dir: string, seed: number): Map<string, RandomRecord> {
  const folder = setDir(dir, seed);
  const out = new Map<string, RandomRecord>();
  if (!existsSync(folder)) return out;
  for (const name of readdirSync(folder).sort()) {
    if (!/^s\d+-\d+\.json$/.test(name)) continue;
    const rec = readRandomRecord(join(folder, name));
    out.set(rec.id, rec);
  }
  return out;
}

/** Writes a record atomically: the head indented, one run per line. */
export async function writeRandomRecord(dir: string, rec: RandomRecord): Promise<string> {
  const path = recordPath(dir, rec.seed, rec.id);
  const { runs, input, ...head } = rec;
  const headText = JSON.stringify(head, null, 1).replace(/\n}$/, "");
  const text = `${headText},\n "input": ${JSON.stringify(input)},\n "runs": [\n${runs.map((r) => `  ${JSON.stringify(r)}`).join(",\n")}\n ]\n}\n`;
  await writeFileAtomic(path, text);
  return path;
}
