import type { Command } from "commander";
import { writeFileAtomic } from "../../io/atomic.js";
import { metricsFromTrace } from "../../metrics/from-trace.js";
import { METRIC_UNITS, metricsForJson } from "../../metrics/json.js";
import { HarnessError, RealSetupError } from "../../real/errors.js";
import type { RealProgress } from "../../real/options.js";
import { applyProfile, readProfile } from "../../real/profile.js";
import { runReal } from "../../real/runner.js";
import { loadScenarioInput } from "../../scenario/load.js";
import { parseScenario, type Scenario } from "../../scenario/scenario.js";
import { type CliIO, UsageError } from "../io.js";
import { formatSummary } from "../summary.js";
import { parseSeed, stableJson } from "./simulate.js";

/*
 * `gilsim real`, and what the real-execution commands share: errors to exit codes (no usable
 * Python, a bad option: 2; a harness failure: 1; interrupted: 130) and a progress line on a terminal.
 */

/** Runs a real-execution action: a RealSetupError becomes a usage error (exit 2), an interrupted run exits 130. */
export async function realAction(
  io: CliIO,
  setExit: (code: number) => void,
  action: () => Promise<void>,
): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (error instanceof RealSetupError) throw new UsageError(error.message);
    if (error instanceof HarnessError && error.reason === "interrupted") {
      io.err(`gilsim: ${error.message}`);
      setExit(130);
      return;
    }
    throw error;
  }
}

/** A one-line progress display on stderr when it is a terminal; silent otherwise. */
export function progressLine(io: CliIO): { update: (text: string) => void; done: () => void } {
  if (!io.isTTY) return { update: () => {}, done: () => {} };
  let shown = false;
  return {
    update: (text) => {
      process.stderr.write(`\r\x1b[2K${text}`);
      shown = true;
    },
    done: () => {
      if (shown) process.stderr.write("\r\x1b[2K");
      shown = false;
    },
  };
}

/** "running: 120/800 tasks" for a real run's progress. */
export function describeProgress(p: RealProgress): string {
  return p.phase === "running" || p.phase === "collecting"
    ? `${p.phase}: ${p.completed}/${p.total} tasks`
    : `${p.phase}...`;
}

/** Parses --priority: an integer from 0 to 20. */
export function parsePriority(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n > 20)
    throw new UsageError(`invalid --priority: ${text} (expected an integer from 0 to 20)`);
  return n;
}

/** Parses --timeout: seconds above 0. */
export function parseTimeout(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`invalid --timeout: ${text} (expected seconds above 0)`);
  return n;
}

/** Loads a scenario file or preset with a machine profile applied (none: as it is). */
export function loadWithProfile(file: string, profilePath: string | undefined): Scenario {
  const input = loadScenarioInput(file);
  return parseScenario(profilePath === undefined ? input : applyProfile(input, readProfile(profilePath)), file);
}

/** What a real run's metrics hold as 0 or as an estimate because Python cannot see it (see recordsToTrace). */
export const NOT_MEASURED_REAL = [
  "events",
  "coreUtilization",
  "gil",
  "loops",
  "threads[].cpu",
  "threads[].share.wait-gil",
  "threads[].share.wait-core",
];

interface RealFlags {
  python?: string;
  seed?: number;
  json?: boolean;
  series?: boolean;
  trace?: string;
  priority?: number;
  timeout?: number;
}

/** `gilsim real FILE|PRESET [--python PATH] [--seed N] [--json] [--trace FILE] [--priority N] [--timeout S]` */
export function register(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("real")
    .description("run a scenario in real CPython (python3 on PATH, or --python) and print its measured metrics")
    .argument("<scenario>", "a scenario .json file, or a preset name (see `gilsim presets`)")
    .option("--python <path>", "the interpreter to run (Python 3.9 or later; default: python3 on PATH)")
    .option("--seed <n>", "seed of the planned tasks (default: the scenario's seed)", parseSeed)
    .option(
      "--json",
      'print the metrics as JSON ("units" gives each key\'s unit, "notMeasured" what Python cannot see)',
    )
    .option("--series", "with --json, also the queue series")
    .option("--trace <file>", "also write the measured trace as JSON")
    .option(
      "--priority <n>",
      "run the harness at nice -N when permitted, so other work disturbs it less",
      parsePriority,
      0,
    )
    .option("--timeout <seconds>", "kill the run (and every process it started) after this long", parseTimeout, 300)
    .action((file: string, flags: RealFlags) =>
      realAction(io, setExit, async () => {
        const scenario = loadWithProfile(file, undefined);
        const line = progressLine(io);
        let result: Awaited<ReturnType<typeof runReal>>;
        try {
          result = await runReal(scenario, {
            ...(flags.python !== undefined ? { python: flags.python } : {}),
            ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
            timeoutMs: (flags.timeout ?? 300) * 1000,
            env: flags.priority ? { GILSIM_PRIORITY: String(flags.priority) } : {},
            onProgress: (p) => line.update(describeProgress(p)),
          });
        } finally {
          line.done();
        }
        const metrics = metricsFromTrace(result.trace, { warmup: scenario.run.warmup });
        if (flags.trace) await writeFileAtomic(flags.trace, `${JSON.stringify(result.trace)}\n`);
        if (flags.json) {
          io.out(
            stableJson({
              python: result.pythonVersion,
              warnings: result.warnings,
              units: METRIC_UNITS,
              notMeasured: NOT_MEASURED_REAL,
              metrics: metricsForJson(metrics, { series: flags.series ?? false }),
            }),
          );
          return;
        }
        io.out(
          formatSummary(metrics, {
            note: `measured in CPython ${result.pythonVersion} (${result.python.executable})`,
            real: true,
          }),
        );
        for (const w of result.warnings) io.err(`gilsim: warning: ${w}`);
        if (flags.trace) io.out(`wrote ${flags.trace}`);
      }),
    );
}
