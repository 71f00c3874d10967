import type { Command } from "commander";
import { METRIC_UNITS, metricsForJson } from "../../metrics/json.js";
import { INTEGER_RANGES } from "../../scenario/limits.js";
import { parseScenario } from "../../scenario/scenario.js";
import { type CliIO, UsageError } from "../io.js";
import { type LimitFlags, limitOptions, limitsOf } from "../limit-options.js";
import { loadInput, profileOption } from "../profile-option.js";
import { stableJson } from "../stable-json.js";
import { formatReplication, formatSummary } from "../summary.js";
import { replicateWithProgress, simulateWithProgress } from "../task-progress.js";

export { stableJson } from "../stable-json.js";

/** Parses --seed: a non-negative integer (the same range as a scenario's "seed"). */
export function parseSeed(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) {
    throw new UsageError(`invalid --seed: ${text} (expected a non-negative integer)`);
  }
  return n;
}

/** Parses --replications: a positive integer, at most the scenario format's limit (10,000). */
export function parseReplications(text: string): number {
  const n = Number(text);
  const { max } = INTEGER_RANGES.replications;
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1 || n > max) {
    throw new UsageError(
      `invalid --replications: ${text} (expected a positive integer of at most ${max.toLocaleString("en-US")})`,
    );
  }
  return n;
}

interface SimulateFlags extends LimitFlags {
  seed?: number;
  replications?: number;
  json?: boolean;
  series?: boolean;
  profile?: string;
}

/** `gilsim simulate FILE|PRESET [--seed N] [--replications N] [--json]` */
export function register(program: Command, io: CliIO, _setExit: (code: number) => void): void {
  limitOptions(profileOption(program.command("simulate")))
    .description("simulate a scenario file or a preset and print its metrics")
    .argument("<scenario>", "a scenario .json file, or a preset name (see `gilsim presets`)")
    .option("--seed <n>", "seed of the run (default: the scenario's seed)", parseSeed)
    .option(
      "--replications <n>",
      "independent runs with seeds seed, seed+1, ..., summarized with confidence intervals (default: the scenario's run.replications)",
      parseReplications,
    )
    .option("--json", 'print the metrics as JSON (keys sorted: same seed, same bytes; "units" says each key\'s unit)')
    .option("--series", "with --json, also the queue and loop-lag time series (up to 2,048 points each)")
    .action(async (file: string, flags: SimulateFlags) => {
      const scenario = parseScenario(loadInput(file, flags.profile), file);
      const seed = flags.seed ?? scenario.seed;
      const replications = flags.replications ?? scenario.run.replications;
      const label = `simulate ${scenario.name}`;
      const limits = limitsOf(flags);
      if (replications > 1) {
        const rep = await replicateWithProgress(io, label, scenario, file, { replications, seed, ...limits });
        io.out(
          flags.json
            ? stableJson({
                scenario: scenario.name,
                seed,
                replications,
                units: METRIC_UNITS,
                ...rep,
                runs: rep.runs.map((m) => metricsForJson(m, { series: flags.series ?? false })),
              })
            : formatReplication(rep, scenario.name, seed),
        );
        return;
      }
      const result = await simulateWithProgress(io, label, scenario, file, { seed, trace: false, ...limits });
      if (flags.json) {
        io.out(
          stableJson({ units: METRIC_UNITS, ...metricsForJson(result.metrics, { series: flags.series ?? false }) }),
        );
        return;
      }
      const unfinished = result.metrics.tasks.arrived - result.metrics.tasks.completed;
      const note =
        result.stoppedBy === "max-events"
          ? `stopped at --max-events ${flags.maxEvents} with ${result.metrics.tasks.completed} of ${scenario.workload.arrivals.count} tasks finished`
          : result.truncated
            ? `stopped at run.until with ${unfinished} of ${result.metrics.tasks.arrived} arrived tasks unfinished`
            : undefined;
      io.out(formatSummary(result.metrics, note === undefined ? {} : { note }));
    });
}
