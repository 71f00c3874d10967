/**
 * The long fuzzer: `npm run fuzz -- --count 10000 --children 300 --seed 17` (these are the
 * defaults). Hostile scenario files mutated from examples/ and the presets, run through the CLI's
 * own entry in-process, the first `--children` of them also as child processes of the built CLI
 * (bin/gilsim.js: run `npm run build` first), each held to the fuzzer's demands (test/fuzz/check.ts).
 * A progress bar on a terminal, a one-line summary otherwise; exit 1 when any input fails, with
 * the first ten failures.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { processIO } from "../src/cli/io.js";
import { createProgress } from "../src/sweep/progress.js";
import { describeFailures, runCampaign } from "../test/fuzz/campaign.js";

function usage(message: string): never {
  process.stderr.write(`fuzz: ${message} (usage: npm run fuzz -- [--count N] [--children N] [--seed N])\n`);
  process.exit(2);
}

function integer(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min) {
    usage(`invalid --${name}: ${text} (expected an integer of at least ${min})`);
  }
  return n;
}

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    options: { count: { type: "string" }, children: { type: "string" }, seed: { type: "string" } },
  }));
} catch (error) {
  usage((error as Error).message);
}
const count = integer("count", values.count as string | undefined, 10_000, 1);
const children = Math.min(count, integer("children", values.children as string | undefined, 300, 0));
const seed = integer("seed", values.seed as string | undefined, 17, 0);

const bar = createProgress(processIO, "fuzz", count + children, 0, "runs");
const started = performance.now();
const result = await runCampaign({
  count,
  children,
  seed,
  dir: mkdtempSync(join(tmpdir(), "gilsim-fuzz-")),
  onProgress: (done) => bar.update(done),
});
bar.stop();

const minutes = ((performance.now() - started) / 60_000).toFixed(1);
const outcomes = [...result.outcomes]
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([k, n]) => `${k}: ${n}`)
  .join(", ");
process.stdout.write(
  `fuzz: ${result.inputs} inputs (seed ${seed}), ${result.traceRuns} also through trace, ${result.childRuns} as child processes, in ${minutes} min; ` +
    `${outcomes}; worst CPU time ${result.worstSeconds.inProcess.toFixed(2)} s in-process, ${result.worstSeconds.child.toFixed(2)} s in a child; ` +
    `worst child peak memory ${(result.worstChildPeak / 2 ** 20).toFixed(0)} MiB, this process's ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB; ${result.failures.length} failed\n`,
);
if (result.failures.length > 0) {
  for (const line of describeFailures(result.failures)) process.stderr.write(`${line}\n`);
  process.exitCode = 1;
}
