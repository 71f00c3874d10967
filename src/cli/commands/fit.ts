import type { Command } from "commander";
import { readRecording } from "../../capture/recording.js";
import { parseDuration } from "../../engine/time.js";
import { CONSISTENCY_TARGET, selfConsistency } from "../../fit/consistency.js";
import { DIST_CHOICES, type DistChoice } from "../../fit/distribution-fit.js";
import { ARRIVALS_CHOICES, type ArrivalsChoice, fitRecording } from "../../fit/fit.js";
import { fitLines, fitReport } from "../../fit/report.js";
import { writeFileAtomic } from "../../io/atomic.js";
import { PYTHON_VERSIONS, type PythonVersion } from "../../model/profiles.js";
import { applyProfile, readProfile } from "../../real/profile.js";
import { parseScenario } from "../../scenario/scenario.js";
import { type CliIO, UsageError } from "../io.js";
import { profileOption } from "../profile-option.js";
import { parseReplications, stableJson } from "./simulate.js";

function durationOption(name: string, min: number): (text: string) => number {
  return (text) => {
    const ns = parseDuration(text);
    if (ns === undefined || ns < min) {
      throw new UsageError(`invalid --${name}: ${text} (expected a duration${min > 0 ? " above 0" : ""}, like 1s)`);
    }
    return ns;
  };
}

/** Parses --dist: auto, empirical or fitted. */
export function parseDist(text: string): DistChoice {
  const found = DIST_CHOICES.find((d) => d === text.trim());
  if (!found) throw new UsageError(`invalid --dist: ${text} (expected ${DIST_CHOICES.join(", ")})`);
  return found;
}

/** Parses --arrivals: fitted or replay. */
export function parseArrivals(text: string): ArrivalsChoice {
  const found = ARRIVALS_CHOICES.find((a) => a === text.trim());
  if (!found) throw new UsageError(`invalid --arrivals: ${text} (expected ${ARRIVALS_CHOICES.join(" or ")})`);
  return found;
}

/** Parses --python: a version gilsim has a profile for. */
export function parsePython(text: string): PythonVersion {
  const found = PYTHON_VERSIONS.find((v) => v === text.trim());
  if (!found) throw new UsageError(`invalid --python: ${text} (expected one of ${PYTHON_VERSIONS.join(", ")})`);
  return found;
}

/** Parses --executor: threads:N or asyncio:N (N threads in the loop's executor). */
export function parseExecutor(text: string): { kind: "threads" | "asyncio"; workers: number } {
  const m = /^(threads|asyncio):(\d+)$/.exec(text.trim());
  const workers = Number(m?.[2]);
  if (!m || !Number.isSafeInteger(workers) || workers < 1) {
    throw new UsageError(`invalid --executor: ${text} (expected threads:N or asyncio:N, N a positive integer)`);
  }
  return { kind: m[1] as "threads" | "asyncio", workers };
}

interface FitFlags {
  out: string;
  report?: string;
  dist: DistChoice;
  arrivals: ArrivalsChoice;
  warmup: number;
  ioMin: number;
  python?: PythonVersion;
  executor?: { kind: "threads" | "asyncio"; workers: number };
  name?: string;
  profile?: string;
  replications: number;
  check: boolean;
}

/** `gilsim fit RECORDING --out scenario.json [--report FILE] [--dist auto|empirical|fitted] ...` */
export function register(program: Command, io: CliIO, _setExit: (code: number) => void): void {
  profileOption(program.command("fit"))
    .description(
      "turn a recording (gilsim record, gilsim import otel) into a scenario, and check it against the recording",
    )
    .argument("<recording>", "a recording (.jsonl)")
    .requiredOption("--out <file>", "the scenario to write")
    .option("--report <file>", "also write the fit's details (distributions, KS distances, self-consistency) as JSON")
    .option(
      "--dist <kind>",
      "step distributions: auto (fitted when the data cannot tell), empirical, fitted",
      parseDist,
      "auto",
    )
    .option(
      "--arrivals <kind>",
      "the arrival process: fitted (Poisson or a fixed rate, from the gaps) or replay (the recorded times, exactly)",
      parseArrivals,
      "fitted",
    )
    .option("--warmup <time>", "leave out tasks arriving this soon after the first", durationOption("warmup", 0), 1e9)
    .option("--io-min <time>", "waits shorter than this are quick calls, not IO", durationOption("io-min", 0), 50_000)
    .option("--python <version>", "the interpreter, when the recording does not say (default 3.12)", parsePython)
    .option(
      "--executor <kind:n>",
      "the executor, when the recording does not say: threads:N or asyncio:N",
      parseExecutor,
    )
    .option("--name <name>", "the scenario's name (default: the recording's file name)")
    .option("--replications <n>", "simulated runs for the self-consistency check", parseReplications, 5)
    .option("--no-check", "skip the self-consistency check")
    .action(async (file: string, flags: FitFlags) => {
      const rec = readRecording(file);
      const name = flags.name ?? (file.split("/").pop() ?? "fitted").replace(/\.jsonl?$/, "");
      let fit: ReturnType<typeof fitRecording>;
      try {
        fit = fitRecording(rec, {
          dist: flags.dist,
          arrivals: flags.arrivals,
          warmup: flags.warmup,
          ioMin: flags.ioMin,
          python: flags.python ?? null,
          executor: flags.executor ?? null,
          name,
          source: file,
        });
      } catch (error) {
        if (error instanceof RangeError) throw new UsageError(`${file}: ${error.message}`);
        throw error;
      }
      const scenario = parseScenario(
        flags.profile ? applyProfile(fit.input, readProfile(flags.profile)) : fit.input,
        flags.out,
      );
      const consistency = flags.check ? selfConsistency(scenario, fit.recorded, flags.replications) : null;
      for (const line of fitLines(fit, consistency)) io.out(line);
      for (const w of fit.warnings) io.err(`gilsim: warning: ${w}`);
      if (consistency && !consistency.passes) {
        io.err(
          `gilsim: warning: the scenario does not give back the recorded p50 and p95 within ${CONSISTENCY_TARGET * 100}%: see the warnings above, and what the model leaves out in the README`,
        );
      }
      await writeFileAtomic(flags.out, stableJson(fit.input));
      if (flags.report) await writeFileAtomic(flags.report, stableJson(fitReport(fit, consistency)));
      io.out(`wrote ${flags.out}${flags.report ? ` and ${flags.report}` : ""}`);
    });
}
