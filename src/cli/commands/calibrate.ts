import type { Command } from "commander";
import { formatDuration } from "../../engine/time.js";
import { EXPERIMENTS, type ExperimentName, profileFromCalibration, runCalibration } from "../../real/calibrate.js";
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
  if (p.machine.slice !== null) sets.unshift(["machine.slice", p.machine.slice]);
  lines.push(...formatTable(sets, "    ", () => false));
  return `${lines.join("\n")}\n`;
}

interface CalibrateFlags {
  out: string;
  python?: string;
  scale: number;
  priority: number;
  only?: ExperimentName[];
  json?: boolean;
  quietWait: number;
  timeout: number;
}

/** `gilsim calibrate [--out FILE] [--python PATH] [--scale X] [--priority N] [--only A,B] [--json]` */
export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("calibrate")
    .description("measure this machine's CPython runtime costs with small experiments and write a machine profile")
    .option("--out <file>", "where to write the profile", "machine-profile.json")
    .option("--python <path>", "the interpreter to measure (Python 3.9 or later; default: python3 on PATH)")
    .option("--scale <x>", "multiply the rounds of every experiment (about 5 s in all at 1)", parseScale, 1)
    .option("--priority <n>", "run at nice -N when permitted, so other work disturbs it less", parsePriority, 0)
    .option("--only <names>", `run only these experiments (comma-separated: ${EXPERIMENTS.join(", ")})`, parseOnly)
    .option("--json", "print the profile as JSON")
    .option("--quiet-wait <seconds>", "first wait up to this long for the machine to be quiet", parseQuietWait, 0)
    .option(
      "--timeout <seconds>",
      "kill the experiments (and every process they started) after this long",
      parseTimeout,
      120,
    )
    .action((flags: CalibrateFlags) =>
      realAction(io, setExit, async () => {
        if (flags.quietWait > 0) await waitForQuiet({ maxWaitMs: flags.quietWait * 1000 });
        const line = progressLine(io);
        let profile: MachineProfile;
        try {
          const run = await runCalibration({
            ...(flags.python !== undefined ? { python: flags.python } : {}),
            scale: flags.scale,
            priority: flags.priority,
            timeoutMs: flags.timeout * 1000,
            ...(flags.only ? { only: flags.only } : {}),
            onProgress: (p) => line.update(`calibrating: ${p.experiment} (${p.completed}/${p.total})`),
          });
          profile = profileFromCalibration(run);
        } finally {
          line.done();
        }
        await writeProfile(flags.out, profile);
        io.out(flags.json ? stableJson(profile) : formatProfile(profile));
        if (!flags.json) io.out(`wrote ${flags.out} (use it with --profile ${flags.out})`);
      }),
    );
}
