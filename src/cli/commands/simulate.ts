import type { Command } from "commander";
import { replicate } from "../../metrics/replicate.js";
import { parseScenario } from "../../scenario/scenario.js";
import { type CliIO, UsageError } from "../io.js";
import { loadInput, profileOption } from "../profile-option.js";
import { stableJson } from "../stable-json.js";
import { formatReplication, formatSummary } from "../summary.js";
import { simulateWithProgress, withTaskProgress } from "../task-progress.js";

export { stableJson } from "../stable-json.js";

/** Parses --seed: a non-negative integer (the same range as a scenario's "seed"). */
export function parseSeed(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) {
    throw new UsageError(`invalid --seed: ${text} (expected a non-negative integer)`);
  }
  return n;
}

/** Parses --replications: a positive integer. */
export function parseReplications(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`invalid --replications: ${text} (expected a positive integer)`);
  }
  return n;
}

interface SimulateFlags {
  seed?: number;
  replications?: number;
  json?: boolean;
  profile?: string;
}

/** `gilsim simulate FILE|PRESET [--seed N] [--replications N] [--json]` */
export function register(program: Command, io: CliIO, _setExit: (code: number) => void): void {
  profileOption(program.command("simulate"))
    .description("simulate a scenario file or a preset and print its metrics")
    .argument("<scenario>", "a scenario .json file, or a preset name (see `gilsim presets`)")
    .option("--seed <n>", "seed of the run (default: the scenario's seed)", parseSeed)
    .option(
      "--replications <n>",
      "independent runs with seeds seed, seed+1, ..., summarized with confidence intervals (default: the scenario's run.replications)",
      parseReplications,
    )
    .option("--json", "print the metrics as JSON (keys sorted: same seed, same bytes)")
    .action((file: string, flags: SimulateFlags) => {
      const scenario = parseScenario(loadInput(file, flags.profile), file);
      const seed = flags.seed ?? scenario.seed;
      const replications = flags.replications ?? scenario.run.replications;
      const label = `simulate ${scenario.name}`;
      if (replications > 1) {
        const rep = withTaskProgress(io, label, scenario, replications, (report) =>
          replicate(scenario, { replications, seed, progress: report }),
        );
        io.out(
          flags.json
            ? stableJson({ scenario: scenario.name, seed, replications, ...rep })
            : formatReplication(rep, scenario.name, seed),
        );
        return;
      }
      const result = simulateWithProgress(io, label, scenario, { seed, trace: false });
      if (flags.json) {
        io.out(stableJson(result.metrics));
        return;
      }
      const unfinished = result.metrics.tasks.arrived - result.metrics.tasks.completed;
      const note = result.truncated
        ? `stopped at run.until with ${unfinished} of ${result.metrics.tasks.arrived} arrived tasks unfinished`
        : undefined;
      io.out(formatSummary(result.metrics, note));
    });
}
