import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { formatDuration } from "../../engine/time.js";
import { writeFileAtomic } from "../../io/atomic.js";
import {
  type CalibrationRun,
  EXPERIMENTS,
  type ExperimentName,
  profileFromCalibration,
  runCalibration,
} from "../../real/calibrate.js";
import {
  type ComparisonRow,
  compareRecordings,
  markdownReport,
  ROW_HEADER,
  readRecordings,
  rowCells,
} from "../../real/mechanisms/compare.js";
import { minorOf, resolveInterpreters } from "../../real/mechanisms/interpreters.js";
import { BUSY_RULE } from "../../real/mechanisms/load.js";
import {
  type MechanismRecording,
  mergeRecordings,
  readRecording,
  recordMechanisms,
  writeRecording,
} from "../../real/mechanisms/record.js";
import { MECHANISM_IDS } from "../../real/mechanisms/registry.js";
import type { MachineProfile } from "../../real/profile.js";
import { writeProfile } from "../../real/profile.js";
import { waitForQuiet } from "../../real/quiet.js";
import type { CliIO } from "../io.js";
import { UsageError } from "../io.js";
import { formatNumber, formatPercent, formatTable } from "../summary.js";
import { parseQuietWait } from "./compare.js";
import { parsePriority, parseTimeout, progressLine, realAction } from "./real.js";
import { stableJson } from "./simulate.js";

/** Parses --scale: a number above 0, at most 100. */
export function parseScale(text: string): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n <= 0 || n > 100) {
    throw new UsageError(`invalid --scale: ${text} (expected a number above 0, at most 100)`);
  }
  return n;
}

/** Parses --only: experiment names separated by commas. */
export function parseOnly(text: string): ExperimentName[] {
  const names = text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  for (const n of names) {
    if (!(EXPERIMENTS as readonly string[]).includes(n)) {
      throw new UsageError(`invalid --only: ${n} (expected experiments among ${EXPERIMENTS.join(", ")})`);
    }
  }
  if (names.length === 0) throw new UsageError(`invalid --only: ${JSON.stringify(text)} (expected experiment names)`);
  return names as ExperimentName[];
}

function show(unit: string, x: number): string {
  if (unit === "ns") return formatDuration(x);
  if (unit === "share") return formatPercent(x);
  return `${formatNumber(x)} ${unit}`;
}

/** The profile as text: each measurement, then the runtime parameters it sets. */
export function formatProfile(p: MachineProfile): string {
  const lines = [
    `machine profile: CPython ${p.python} on ${p.machine.platform}, ${p.machine.cores} cores${p.machine.cpu ? ` (${p.machine.cpu})` : ""}`,
    "",
    "  measured:",
  ];
  const rows = [["quantity", "median", "p99", "n", "what"]];
  for (const [name, q] of Object.entries(p.measured)) {
    rows.push([name, show(q.unit, q.median), show(q.unit, q.p99), String(q.n), q.note ?? ""]);
  }
  lines.push(...formatTable(rows, "    ", (i) => i > 0 && i < 4));
  lines.push("", "  sets (where a scenario does not):");
  const sets = Object.entries(p.runtime).map(([k, v]) => [
    `runtime.${k}`,
    typeof v === "string" ? v : JSON.stringify(v),
  ]);
  const cold = p.machine.coldStart;
  if (cold) sets.unshift(["machine.coldStart", `max ${cold.max}, tau ${cold.tau}, slowdown ${cold.slowdown}`]);
  const late = p.machine.timerTail;
  if (late)
    sets.unshift(["machine.timerTail", `${(late.share * 100).toFixed(1)}% of timers, ${late.min} to ${late.max} late`]);
  if (p.machine.slice !== null) sets.unshift(["machine.slice", p.machine.slice]);
  if (p.machine.sharedCache !== undefined)
    sets.unshift([
      "machine.sharedCache",
      p.machine.sharedCache ? "yes (a last-level-cache domain)" : "no cache domain in sysfs",
    ]);
  lines.push(...formatTable(sets, "    ", () => false));
  return `${lines.join("\n")}\n`;
}

interface CalibrateFlags {
  out: string;
  python?: string;
  scale?: number;
  priority: number;
  only?: string;
  json?: boolean;
  quietWait: number;
  timeout?: number;
  force?: boolean;
  mechanisms?: boolean;
  compare?: boolean;
  repeats: number;
  dir: string;
  profiles: string;
}

/** Parses --repeats: an integer from 1 to 50. */
export function parseRepeats(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 1 || n > 50) {
    throw new UsageError(`invalid --repeats: ${text} (expected an integer from 1 to 50)`);
  }
  return n;
}

/** Parses --only for the mechanism suite: experiment ids separated by commas. */
export function parseMechanismIds(text: string): string[] {
  const ids = text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  for (const id of ids) {
    if (!MECHANISM_IDS.includes(id)) {
      throw new UsageError(`invalid --only: ${id} (expected experiments among ${MECHANISM_IDS.join(", ")})`);
    }
  }
  if (ids.length === 0) throw new UsageError(`invalid --only: ${JSON.stringify(text)} (expected experiment ids)`);
  return ids;
}

const HELP_AFTER = `
Machine profiles (the default): each interpreter --python names is measured and its profile written
to --out; with several interpreters, --out must contain {version} (data/profiles/{version}.json).
A profile measured on a busy machine is not saved unless --force (then it says so in its
"machine-load" entry). The rule: ${BUSY_RULE}.

Mechanism suite (--mechanisms): every experiment of docs/mechanisms.md, in every interpreter
--python names (default: all present), repeated --repeats times; noisy trials (same rule, per
trial) and experiments that spread too widely run again, and what stays untrustworthy is flagged
in the record. Writes --dir/<version>.json. On a shared machine record one version per command,
holding its measurement lock if it has one:
  flock "$LOCK" gilsim calibrate --mechanisms --python 3.12 --priority 20

--mechanisms --compare simulates each experiment with the version defaults and with
--profiles/<version>.json, prints real against simulated per figure and writes --dir/report.md.
`;

/** `gilsim calibrate [--out FILE] [--python SPEC] [--mechanisms [--compare]] ...` */
export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("calibrate")
    .description(
      "measure this machine's CPython runtime costs and write a machine profile; or record and compare the mechanism suite",
    )
    .option(
      "--out <file>",
      "where to write the profile ({version} becomes the interpreter's version)",
      "machine-profile.json",
    )
    .option(
      "--python <spec>",
      'the interpreters: a path, a version like 3.12, "all", or several separated by commas (default: python3 on PATH; with --mechanisms: all)',
    )
    .option("--scale <x>", "multiply the work of every experiment (profile: about 7 s in all at 1)", parseScale)
    .option("--priority <n>", "run at nice -N when permitted, so other work disturbs it less", parsePriority, 0)
    .option("--only <names>", "run only these experiments (comma-separated)")
    .option("--json", "print the profile (or the comparison rows) as JSON")
    .option("--force", "save a profile even when the machine was busy (it is marked so)")
    .option("--quiet-wait <seconds>", "first wait up to this long for the machine to be quiet", parseQuietWait, 0)
    .option(
      "--timeout <seconds>",
      "kill the experiments (and every process they started) after this long",
      parseTimeout,
    )
    .option("--mechanisms", "record the mechanism suite instead of a profile")
    .option("--compare", "with --mechanisms: compare the recordings with the model instead of recording")
    .option("--repeats <n>", "with --mechanisms: runs of each experiment", parseRepeats, 5)
    .option("--dir <folder>", "with --mechanisms: where recordings and report.md go", "data/mechanisms")
    .option("--profiles <folder>", "with --compare: the per-version machine profiles", "data/profiles")
    .addHelpText("after", HELP_AFTER)
    .action((flags: CalibrateFlags) =>
      realAction(io, setExit, async () => {
        if (flags.compare && !flags.mechanisms) throw new UsageError("--compare needs --mechanisms");
        if (flags.mechanisms && flags.compare) return compareAction(io, flags);
        if (flags.mechanisms) return recordAction(io, flags);
        return profileAction(io, setExit, flags);
      }),
    );
}

async function profileAction(io: CliIO, setExit: (code: number) => void, flags: CalibrateFlags): Promise<void> {
  const only = flags.only === undefined ? undefined : parseOnly(flags.only);
  const pythons = flags.python === undefined ? [undefined] : await resolveInterpreters(flags.python);
  if (pythons.length > 1 && !flags.out.includes("{version}")) {
    throw new UsageError(
      `invalid --out: ${flags.out} (measuring ${pythons.length} interpreters needs {version} in it)`,
    );
  }
  if (flags.quietWait > 0) await waitForQuiet({ maxWaitMs: flags.quietWait * 1000 });
  for (const p of pythons) {
    const line = progressLine(io);
    let run: CalibrationRun;
    try {
      run = await runCalibration({
        ...(p !== undefined ? { python: p.command } : {}),
        scale: flags.scale ?? 1,
        priority: flags.priority,
        timeoutMs: (flags.timeout ?? 120) * 1000,
        ...(only ? { only } : {}),
        onProgress: (q) => line.update(`calibrating: ${q.experiment} (${q.completed}/${q.total})`),
      });
    } finally {
      line.done();
    }
    const out = flags.out.replaceAll("{version}", minorOf(run.python));
    if (run.busy.length > 0 && !flags.force) {
      io.err(`gilsim: the machine was busy (${run.busy.join("; ")}); ${out} not saved (use --force to save it anyway)`);
      setExit(1);
      continue;
    }
    const profile = profileFromCalibration(run);
    await writeProfile(out, profile);
    io.out(flags.json ? stableJson(profile) : formatProfile(profile));
    if (!flags.json)
      io.out(`wrote ${out}${run.busy.length > 0 ? " (busy machine, forced)" : ""} (use it with --profile ${out})`);
  }
}

async function recordAction(io: CliIO, flags: CalibrateFlags): Promise<void> {
  const only = flags.only === undefined ? undefined : parseMechanismIds(flags.only);
  const pythons = await resolveInterpreters(flags.python ?? "all");
  for (const p of pythons) {
    const line = progressLine(io);
    const t0 = performance.now();
    let rec: MechanismRecording;
    try {
      rec = await recordMechanisms(p, {
        repeats: flags.repeats,
        scale: flags.scale ?? 1,
        priority: flags.priority,
        ...(only ? { only } : {}),
        ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout * 1000 } : {}),
        onProgress: (q) =>
          line.update(
            `${q.python}: ${q.round > 0 ? `retry ${q.round}, ` : ""}${q.experiment} (trial ${q.done}/${q.total})`,
          ),
      });
    } finally {
      line.done();
    }
    const path = join(flags.dir, `${rec.python.minor}.json`);
    // The summary describes what this run recorded, merged or not.
    const fresh = rec;
    // Some experiments only: merged into this version's recording, whose other experiments stay.
    let merged = false;
    if (only && existsSync(path)) {
      let old: MechanismRecording | null;
      try {
        old = readRecording(path);
      } catch (error) {
        throw new UsageError(`cannot merge into ${path}: ${(error as Error).message}`);
      }
      if (old === null) throw new UsageError(`cannot merge into ${path}: not a mechanism recording of format 1`);
      try {
        rec = mergeRecordings(old, rec);
      } catch (error) {
        throw new UsageError(`${path}: ${(error as Error).message}`);
      }
      merged = true;
    }
    await writeRecording(path, rec);
    const trials = Object.values(fresh.experiments).reduce((a, e) => a + e.trials.length, 0);
    const noisy = Object.values(fresh.experiments).reduce((a, e) => a + e.trials.filter((t) => t.noisy).length, 0);
    io.out(
      `${fresh.python.version}: ${Object.keys(fresh.experiments).length} experiments, ${trials} trials (${noisy} noisy) in ${Math.round((performance.now() - t0) / 1000)} s; ` +
        `${fresh.load.busy ? `BUSY (${fresh.load.reasons.join("; ")}); ` : ""}${fresh.flags.length === 0 ? "no flags" : `${fresh.flags.length} flags`}; ${merged ? `merged into ${path} (its other experiments kept)` : `wrote ${path}`}`,
    );
    for (const f of fresh.flags) io.out(`  flag: ${f}`);
  }
}

async function compareAction(io: CliIO, flags: CalibrateFlags): Promise<void> {
  const recordings = readRecordings(flags.dir);
  if (recordings.length === 0)
    throw new UsageError(`no recordings in ${flags.dir} (record them with --mechanisms first)`);
  const wanted = flags.python === undefined ? null : new Set(flags.python.split(",").map((s) => s.trim()));
  const chosen = wanted ? recordings.filter((r) => wanted.has(r.python.minor)) : recordings;
  const line = progressLine(io);
  let rows: ComparisonRow[];
  try {
    rows = compareRecordings(chosen, flags.profiles, (v, e) => line.update(`simulating ${v}: ${e}`));
  } finally {
    line.done();
  }
  if (flags.json) {
    io.out(stableJson(rows));
  } else {
    io.out(formatTable([ROW_HEADER, ...rows.map(rowCells)], "", (i) => i >= 3 && i <= 5).join("\n"));
    const sim = rows.filter((r) => r.simulated !== null);
    io.out(
      `${sim.filter((r) => r.within).length} of ${sim.length} simulated figures within target; ${rows.filter((r) => r.note === "format gap").length / 2} figure-versions are format gaps`,
    );
  }
  if (wanted === null) {
    const path = join(flags.dir, "report.md");
    await writeFileAtomic(path, markdownReport(rows, chosen));
    if (!flags.json) io.out(`wrote ${path}`);
  }
}
