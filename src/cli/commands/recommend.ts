import type { Command } from "commander";
import { PYTHON_VERSIONS, type PythonVersion } from "../../model/profiles.js";
import { parseLoad } from "../../sweep/arrival-load.js";
import { createRunner, defaultWorkers } from "../../sweep/pool.js";
import { createProgress } from "../../sweep/progress.js";
import { DEFAULT_MAX_WORKERS, recommend } from "../../sweep/recommend.js";
import { formatRecommendation, recommendationJson } from "../../sweep/recommend-report.js";
import { type Objective, parseSlo } from "../../sweep/slo.js";
import { type CliIO, UsageError } from "../io.js";
import { loadInput, profileOption } from "../profile-option.js";
import { parseReplications, parseSeed, stableJson } from "./simulate.js";
import { asUsage, parseWorkers } from "./sweep.js";

/** Parses --python: a free-threaded build, whose thread layouts are tried with the GIL off. */
export function parseFreeThreaded(text: string): PythonVersion {
  const builds = PYTHON_VERSIONS.filter((v) => v.endsWith("t"));
  const found = builds.find((v) => v === text.trim());
  if (!found) throw new UsageError(`invalid --python: ${text} (expected a free-threaded build: ${builds.join(", ")})`);
  return found;
}

/** Parses --max-workers: a positive integer. */
export function parseMaxWorkers(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`invalid --max-workers: ${text} (expected a positive integer)`);
  }
  return n;
}

interface RecommendFlags {
  profile?: string;
  slo: Objective[];
  load: number;
  python?: PythonVersion;
  kinds?: string;
  maxWorkers: number;
  replications?: number;
  workers?: number;
  seed?: number;
  /** False with --no-model-error. */
  modelError: boolean;
  json?: boolean;
}

/** `gilsim recommend FILE|PRESET --slo "p99<100ms" --load 500/s [--python 3.13t] [--kinds ...]` */
export function register(program: Command, io: CliIO, _setExit: (code: number) => void): void {
  profileOption(program.command("recommend"))
    .description("find the smallest executor layout and worker count that meets a latency or throughput target")
    .argument("<scenario>", "a scenario .json file, or a preset name")
    .requiredOption(
      "--slo <targets>",
      'targets joined by commas: "p99<100ms", "p95<=50ms", "mean<20ms", "wait.p99<5ms", "throughput>=450/s"',
      (t) => asUsage(() => parseSlo(t)),
    )
    .requiredOption("--load <rate>", "Poisson arrival rate, like 500/s", (t) => asUsage(() => parseLoad(t)))
    .option(
      "--python <build>",
      "also try thread layouts on this free-threaded build with the GIL off (3.13t, 3.14t)",
      parseFreeThreaded,
    )
    .option("--kinds <list>", "layouts to try, joined by commas (default: all that fit the workload)")
    .option("--max-workers <n>", "the largest worker count to try", parseMaxWorkers, DEFAULT_MAX_WORKERS)
    .option(
      "--replications <n>",
      "runs per probe, at least 2 (default: the scenario's, at least 3)",
      (text: string) => {
        const n = parseReplications(text);
        // The SLO is judged at the 95% upper bound, and one run gives no interval: its "bound" would be
        // the mean, the optimistic answer the rule exists to avoid.
        if (n < 2)
          throw new UsageError(
            `invalid --replications: ${text} (recommend needs at least 2 runs per probe for its 95% bound)`,
          );
        return n;
      },
    )
    .option("--workers <n>", "worker processes (default: one per core; 0 runs on the main thread)", parseWorkers)
    .option("--seed <n>", "base seed (default: the scenario's seed)", parseSeed)
    .option(
      "--no-model-error",
      "judge latency targets on the simulated figures as they are, without allowing for the model's measured optimism (its median bias on random scenarios run in CPython)",
    )
    .option("--json", "print the result as JSON")
    .action(async (file: string, flags: RecommendFlags) => {
      const raw = loadInput(file, flags.profile);
      const kinds =
        flags.kinds === undefined
          ? null
          : flags.kinds
              .split(",")
              .map((k) => k.trim())
              .filter(Boolean);
      const runner = createRunner(flags.workers ?? defaultWorkers());
      try {
        const rec = await asUsageAsync(() =>
          recommend(raw, file, {
            objectives: flags.slo,
            rate: flags.load,
            python: flags.python ?? null,
            kinds,
            maxWorkers: flags.maxWorkers,
            replications: flags.replications ?? null,
            seed: flags.seed ?? null,
            modelError: flags.modelError,
            modelErrorParams: flags.profile ? "profile" : "defaults",
            runner,
            progress: (max) => createProgress(io, "recommend", max, 0, "probes (at most)"),
          }),
        );
        io.out(
          flags.json
            ? stableJson(recommendationJson(rec, flags.slo, flags.load))
            : formatRecommendation(rec, flags.slo, `${flags.load}/s`),
        );
      } finally {
        await runner.close();
      }
    });
}

async function asUsageAsync<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
}
