import { type Command, Option } from "commander";
import { outputTarget, writeFilesAtomic } from "../../io/atomic.js";
import { loadScenario } from "../../scenario/load.js";
import { chromeTraceJson } from "../../trace/chrome.js";
import { intervalsCsv, tasksCsv } from "../../trace/csv.js";
import { traceFile } from "../../trace/stream.js";
import type { CliIO } from "../io.js";
import { type LimitFlags, limitOptions, limitsOf } from "../limit-options.js";
import { simulateWithProgress } from "../task-progress.js";
import { parseSeed } from "./simulate.js";

type Format = "chrome" | "csv" | "both" | "jsonl";

/**
 * The files a trace goes to, from --out: a trailing .json or .csv is dropped to get a base path,
 * then chrome writes BASE.json and csv writes BASE.intervals.csv and BASE.tasks.csv.
 */
export function traceFiles(
  out: string,
  format: Format,
): { chrome?: string; intervals?: string; tasks?: string; jsonl?: string } {
  const base = out.replace(/\.(json|csv|jsonl)$/i, "");
  if (format === "jsonl") return { jsonl: `${base}.jsonl` };
  return {
    ...(format !== "csv" ? { chrome: `${base}.json` } : {}),
    ...(format !== "chrome" ? { intervals: `${base}.intervals.csv`, tasks: `${base}.tasks.csv` } : {}),
  };
}

/** `gilsim trace FILE|PRESET [--out PATH] [--seed N] [--format chrome|csv|both|jsonl]` */
export function register(program: Command, io: CliIO, _setExit: (code: number) => void): void {
  limitOptions(program.command("trace"))
    .description("simulate a scenario and write its trace for Perfetto / chrome://tracing or as CSV")
    .argument("<scenario>", "a scenario .json file, or a preset name (see `gilsim presets`)")
    .option(
      "--out <path>",
      "base path of the output: PATH.json, PATH.intervals.csv, PATH.tasks.csv (default: the scenario's name, in this folder)",
    )
    .option("--seed <n>", "seed of the run (default: the scenario's seed)", parseSeed)
    .addOption(
      new Option(
        "--format <format>",
        "chrome (Trace Event JSON), csv, both, or jsonl (streamed to disk as the run goes: for runs too big to hold)",
      )
        .choices(["chrome", "csv", "both", "jsonl"])
        .default("chrome"),
    )
    .action(async (file: string, flags: LimitFlags & { out?: string; seed?: number; format: Format }) => {
      const scenario = loadScenario(file);
      const seed = flags.seed ?? scenario.seed;
      const out = flags.out ?? scenario.name;
      const label = `trace ${scenario.name}`;
      const limits = limitsOf(flags);
      if (flags.format === "jsonl") {
        const path = traceFiles(out, "jsonl").jsonl as string;
        await simulateWithProgress(io, label, scenario, file, { seed, traceSink: traceFile(path), ...limits });
        io.out(`wrote ${path} (gilsim trace, one JSON record a line)`);
        return;
      }
      const files = traceFiles(out, flags.format);
      // Refuse an output that cannot be written (a folder, a socket) before the run, not after it.
      for (const path of Object.values(files)) outputTarget(path);
      const result = await simulateWithProgress(io, label, scenario, file, { seed, trace: true, ...limits });
      const trace = result.trace;
      if (!trace) throw new Error("the simulation recorded no trace");
      const outputs: { path: string; data: string }[] = [];
      if (files.chrome)
        outputs.push({ path: files.chrome, data: chromeTraceJson(trace, { loops: result.metrics.loops }) });
      if (files.intervals && files.tasks) {
        outputs.push(
          { path: files.intervals, data: intervalsCsv(trace) },
          { path: files.tasks, data: tasksCsv(trace) },
        );
      }
      await writeFilesAtomic(outputs);
      if (files.chrome) io.out(`wrote ${files.chrome} (Chrome trace: open it in https://ui.perfetto.dev)`);
      if (files.intervals && files.tasks) {
        io.out(
          `wrote ${files.intervals} (${trace.intervals.length} intervals) and ${files.tasks} (${trace.tasks.length} tasks)`,
        );
      }
    });
}
