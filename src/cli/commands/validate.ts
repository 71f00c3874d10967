import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { writeFileAtomic } from "../../io/atomic.js";
import { profileFromCalibration, runCalibration } from "../../real/calibrate.js";
import type { PythonInfo } from "../../real/python.js";
import { waitForQuiet } from "../../real/quiet.js";
import { evaluateRecord, profileSource, type ScenarioResult } from "../../validate/errors.js";
import { findPythons } from "../../validate/pythons.js";
import { readSet, setDir } from "../../validate/record.js";
import {
  CALIBRATE_SECONDS,
  planRecording,
  type RecordEvent,
  recordScenarios,
  SAMPLE_SECONDS,
  schedPolicy,
} from "../../validate/record-runs.js";
import { groupTable, scenarioTable, setReport } from "../../validate/report.js";
import { drawScenarios, GENERATOR_VERSION, RANDOM_VERSIONS, type RandomScenario } from "../../validate/space.js";
import { type CliIO, UsageError } from "../io.js";
import { parseRuns } from "./compare.js";
import { describeProgress, parsePriority, parseTimeout, progressLine, realAction } from "./real.js";
import { parseSeed, stableJson } from "./simulate.js";

/*
 * `gilsim validate --random N --seed S`: draws N scenarios from the documented space
 * (src/validate/space.ts, docs/validation.md), runs each in real CPython (resuming: what is
 * recorded in --dir is kept), and reports the current model's errors against the recorded runs,
 * with the machine profile and with the version defaults.
 */

const HELP = `
The space (docs/validation.md has the details; scenario i of a seed is always the same):
  executors  sync; threads (1-32 workers); processes (1-4, fork/forkserver/spawn, payloads 256 B-1 MiB);
             asyncio alone, or offloading to threads (1-8) or processes (1-2); a third of the asyncio
             ones with an asyncio.Semaphore limit (2-32)
  arrivals   poisson, fixed, closed (utilization 0.1-0.9 of the estimated capacity), or a batch
  steps      1-4 per task of pure Python, GIL-releasing C (hashing), GIL-holding C, IO, blocking calls
             and offloads; 1 or 2 task classes; 200-400 tasks, about 0.6-2.4 s of work per run
  runtime    Python ${RANDOM_VERSIONS.join(", ")} (a version not installed is skipped), switch interval 0.5-10 ms,
             2 cores
Interpreters: python3 on PATH, pyenv's versions, /usr/bin/python3.N and $GILSIM_PYTHONS (paths, ":").
Each recording session first measures a machine profile of each Python version it runs (gilsim
calibrate, about 8 s a version), stored in every record it makes; a record is simulated with the
profile of its own session (unless --profile), because the same machine runs measurably faster or
slower from one day to the next. Record on a quiet machine, or on a shared one under its measurement lock, with the normal scheduling
policy (other work there may run under SCHED_IDLE, where nice means nothing), in chunks:
  flock "$LOCK" chrt -o 0 nice -n -20 npx gilsim validate --random 40 --seed 1 --dir DIR --priority 20 --max-time 15`;

export function parseCount(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 1 || n > 10_000) {
    throw new UsageError(`invalid --random: ${text} (expected a number of scenarios from 1 to 10000)`);
  }
  return n;
}

export function parseMinutes(text: string): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`invalid --max-time: ${text} (expected minutes above 0)`);
  }
  return n;
}

function parseQuiet(text: string): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n < 0) {
    throw new UsageError(`invalid --quiet-wait: ${text} (expected seconds, at least 0)`);
  }
  return n;
}

interface ValidateFlags {
  random?: number;
  seed?: number;
  dir: string;
  run: boolean;
  list?: boolean;
  runs: number;
  maxTime?: number;
  out?: string;
  json?: boolean;
  profile?: string;
  calibrate: boolean;
  priority: number;
  quietWait: number;
  timeout: number;
}

/** "45 s", "7.7 min". */
export function humanTime(s: number): string {
  return s < 90 ? `${Math.round(s)} s` : `${(s / 60).toFixed(1)} min`;
}
const seconds = humanTime;

function listLine(s: RandomScenario): string {
  return `${s.id}  ${s.version.padEnd(4)}  ~${s.seconds.toFixed(1)} s/run  ${s.input.description}`;
}

/** `gilsim validate --random N --seed S [--dir DIR] [--no-run] [--list] [--out DIR] ...` */
export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("validate")
    .description("run random scenarios in real CPython and report the simulation's error distribution")
    .option("--random <n>", "how many scenarios to draw", parseCount)
    .option("--seed <s>", "which set: scenario i of a seed is always the same scenario", parseSeed)
    .option(
      "--dir <dir>",
      "recorded runs: DIR/seed-S/<id>.json; scenarios recorded there are not run again",
      "gilsim-validation",
    )
    .option("--no-run", "run nothing: report from the recorded runs only")
    .option("--list", "print the drawn scenarios and how long recording them would take, and stop")
    .option("--runs <n>", "real runs per scenario", parseRuns, 3)
    .option("--max-time <minutes>", "start no new scenario after this long (run again to go on)", parseMinutes)
    .option("--out <dir>", "write the figures (SVG, PNG), report.md and report.json there")
    .option("--json", "print the report as JSON")
    .option(
      "--profile <file>",
      "simulate every version with this machine profile (default: each record's session profile, else data/profiles/<version>.json, else data/validation/machine-profile.json)",
    )
    .option("--no-calibrate", "record without measuring the session's machine profiles first")
    .option("--priority <n>", "run the harness at nice -N when permitted", parsePriority, 0)
    .option(
      "--quiet-wait <seconds>",
      "before each real run, wait up to this long for the machine to be quiet",
      parseQuiet,
      0,
    )
    .option("--timeout <seconds>", "kill a real run (and every process it started) after this long", parseTimeout, 300)
    .addHelpText("after", HELP)
    .action((flags: ValidateFlags) =>
      realAction(io, setExit, async () => {
        if (flags.random === undefined) throw new UsageError("validate needs --random N (how many scenarios to draw)");
        if (flags.seed === undefined) throw new UsageError("validate needs --seed S (which set of scenarios)");
        if (flags.profile !== undefined && !existsSync(flags.profile))
          throw new UsageError(`invalid --profile: ${flags.profile} (no such file)`);
        // Reporting only, from a folder that is not there: a mistyped --dir, not an empty recording.
        if (!flags.run && !flags.list && !existsSync(flags.dir))
          throw new UsageError(
            `invalid --dir: ${flags.dir} (no such folder; --no-run reports from recorded runs there)`,
          );
        const scenarios = drawScenarios(flags.random, flags.seed);
        const existing = readSet(flags.dir, flags.seed);
        const pythons = flags.run && !flags.list ? await findPythons() : new Map();
        const plan = planRecording(
          scenarios,
          existing,
          flags.run && !flags.list ? new Set(pythons.keys()) : null,
          flags.runs,
          flags.dir,
        );
        // Measuring each version's session profile first (gilsim calibrate at scale 1).
        const versions = new Set(plan.toRun.map((s) => s.version)).size;
        const calibrating =
          flags.calibrate && versions > 0
            ? ` and ${versions} session profile${versions === 1 ? "" : "s"} (about ${seconds(versions * CALIBRATE_SECONDS)})`
            : "";
        if (flags.list) {
          for (const s of scenarios) io.out(listLine(s));
          io.out(
            `${scenarios.length} scenarios of seed ${flags.seed} (generator ${GENERATOR_VERSION}): ${plan.recorded.length} recorded in ${setDir(flags.dir, flags.seed)}, ${plan.toRun.length} to run ${flags.runs} times: about ${seconds(plan.seconds)}${calibrating}`,
          );
          return;
        }
        if (flags.run) {
          for (const m of plan.missing)
            io.err(`gilsim: ${m.scenario.id} needs Python ${m.version}, not found: skipped`);
        }
        if (flags.run && plan.toRun.length > 0) {
          io.err(
            `validate seed ${flags.seed}: ${plan.recorded.length} of ${scenarios.length} scenarios recorded, ${plan.toRun.length} to run ${flags.runs} times each: about ${seconds(plan.seconds)}${calibrating}${flags.maxTime ? ` (stopping after ${flags.maxTime} min)` : ""}`,
          );
          if (schedPolicy() === "SCHED_IDLE") {
            io.err(
              "gilsim: warning: this process runs under SCHED_IDLE, so any other work delays the real runs by up to a scheduler slice; record with `chrt -o 0 nice -n -20 ...` (see docs/validation.md)",
            );
          }
          const line = progressLine(io);
          const t0 = performance.now();
          // Time left: the planned seconds still to run, at the pace of the scenarios done so far
          // (planned seconds against real ones, the profiles' measurements left out), less the time
          // the current scenario has run, and the profiles still to measure.
          let doneEstimate = 0;
          let doneAt = 0;
          let current = 0;
          let calibrations = 0;
          let calibrationSeconds = 0;
          let calibrationStart = 0;
          let calibratedAtDone = 0;
          const onEvent = (e: RecordEvent) => {
            const elapsed = (performance.now() - t0) / 1000;
            if (e.kind === "scenario") current = e.position;
            if (e.kind === "calibrate") calibrationStart = elapsed;
            if (e.kind === "calibrated") {
              calibrations++;
              calibrationSeconds += elapsed - calibrationStart;
            }
            if (e.kind === "calibrated" && e.busy.length > 0)
              io.err(
                `gilsim: warning: the machine was busy while Python ${e.version}'s session profile was measured, twice (${e.busy.join("; ")}); its records keep it anyway: record again on a quiet machine before trusting them`,
              );
            if (e.kind === "recorded") {
              // As planRecording counts it: the runs and their quiet samples.
              doneEstimate += (e.scenario.seconds + SAMPLE_SECONDS) * flags.runs;
              doneAt = elapsed;
              calibratedAtDone = calibrationSeconds;
            }
            if (e.kind !== "run") return;
            const pace = doneEstimate > 0 ? (doneAt - calibratedAtDone) / doneEstimate : 1;
            const profilesLeft = flags.calibrate ? Math.max(0, versions - calibrations) * CALIBRATE_SECONDS : 0;
            const left = Math.max(
              0,
              (plan.seconds - doneEstimate) * pace -
                (elapsed - doneAt - (calibrationSeconds - calibratedAtDone)) +
                profilesLeft,
            );
            line.update(
              `[${current + 1}/${plan.toRun.length}] ${e.scenario.id} run ${e.run}/${e.runs}: ${describeProgress(e.progress)} · about ${seconds(left)} left`,
            );
          };
          let result: Awaited<ReturnType<typeof recordScenarios>>;
          try {
            const calibrate = async (python: PythonInfo) => {
              const measure = () =>
                runCalibration({
                  python: python.command,
                  priority: flags.priority,
                  timeoutMs: flags.timeout * 1000,
                  onProgress: (q) =>
                    line.update(`calibrating Python ${python.version}: ${q.experiment} (${q.completed}/${q.total})`),
                });
              let run = await measure();
              if (run.busy.length > 0) {
                // Once more after the machine has calmed down; a second busy run is kept, marked so.
                await waitForQuiet({ maxWaitMs: Math.max(flags.quietWait, 10) * 1000 });
                run = await measure();
              }
              return { profile: profileFromCalibration(run), busy: run.busy };
            };
            result = await recordScenarios(plan, {
              dir: flags.dir,
              runs: flags.runs,
              pythons,
              priority: flags.priority,
              quietWaitMs: flags.quietWait * 1000,
              quietThreshold: 0.1,
              timeoutMs: flags.timeout * 1000,
              maxSeconds: flags.maxTime === undefined ? null : flags.maxTime * 60,
              onEvent,
              ...(flags.calibrate ? { calibrate } : {}),
            });
          } finally {
            line.done();
          }
          const rest = plan.toRun.length - result.recorded.length;
          io.err(
            `validate seed ${flags.seed}: recorded ${result.recorded.length} scenarios (${result.recorded.length * flags.runs} real runs) in ${seconds(result.seconds)}${result.stopped ? `; stopped at --max-time with ${rest} still to run (run the same command again to go on)` : ""}`,
          );
        }
        const records = [...readSet(flags.dir, flags.seed).values()].filter((r) => r.index < flags.random!);
        if (records.length === 0) {
          io.out(`no recorded runs of seed ${flags.seed} in ${setDir(flags.dir, flags.seed)}: nothing to report`);
          return;
        }
        const source = profileSource(flags.profile ? { fixed: flags.profile } : {});
        const results: ScenarioResult[] = records.map((r) => evaluateRecord(r, source));
        const title = `Random scenarios, seed ${flags.seed}: ${records.length} of ${scenarios.length} recorded`;
        const markdown = [
          setReport(title, records, results),
          "#### Mean signed error by executor (machine profile)",
          "",
          groupTable(results, "family", "profile"),
          "",
          "#### Mean signed error by Python version (machine profile)",
          "",
          groupTable(results, "version", "profile"),
          "",
        ].join("\n");
        if (flags.out) {
          // Figures load jsdom and Plot: only when asked for.
          const { writeValidationFigures } = await import("../../validate/figures.js");
          const files = writeValidationFigures(join(flags.out), results, { seed: flags.seed, provenance: records });
          const full = `${markdown}\n#### Every scenario (machine profile)\n\n${scenarioTable(results, "profile")}\n\n#### Every scenario (version defaults)\n\n${scenarioTable(results, "defaults")}\n`;
          await writeFileAtomic(join(flags.out, "report.md"), full);
          await writeFileAtomic(join(flags.out, "report.json"), stableJson({ seed: flags.seed, results }));
          if (!flags.json)
            io.err(
              `wrote ${[...files, "report.md", "report.json"].map((f) => join(flags.out as string, f)).join(", ")}`,
            );
        }
        io.out(flags.json ? stableJson({ seed: flags.seed, results }) : markdown);
      }),
    );
}
