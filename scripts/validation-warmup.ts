/*
 * How much of the random validation sets' latency error comes from the start of each run: the
 * errors of p50, p95 and p99 (simulated with each record's session profile against its real runs,
 * as `gilsim validate` computes them) counted from every task, and again leaving out the tasks
 * that arrived in the first WARMUP milliseconds, in the real runs and in the simulation alike.
 * Batches (every task arrives at 0) have nothing left after a warm-up and are left out of both.
 * Prints the mean signed and median absolute error per family group, then each process-pool
 * scenario's three errors both ways.
 *
 *   tsx scripts/validation-warmup.ts [--seed 2] [--dir data/validation/random] [--warmup 300]
 */
import { parseArgs } from "node:util";
import { endQuietlyOnBrokenPipe } from "../src/cli/io.js";
import { median } from "../src/validate/errors.js";
import { RANDOM_DATA_DIR, readSet } from "../src/validate/record.js";
import { hasProcessPool, meanOf, WARMUP_KEYS, type WarmupRow, warmupErrors } from "../src/validate/warmup.js";

function usage(problem: string): never {
  process.stderr.write(`validation-warmup: ${problem}\n`);
  process.exit(2);
}
let values: { seed: string; dir: string; warmup: string };
try {
  values = parseArgs({
    options: {
      seed: { type: "string", default: "2" },
      dir: { type: "string", default: RANDOM_DATA_DIR },
      warmup: { type: "string", default: "300" },
    },
  }).values as typeof values;
} catch (error) {
  usage((error as Error).message.split("\n")[0] as string);
}
endQuietlyOnBrokenPipe(false); // a closed pipe (| head) ends the output quietly
const seed = Number(values.seed);
const warmupMs = Number(values.warmup);
if (!Number.isInteger(seed) || !(warmupMs > 0)) usage("--seed takes an integer and --warmup a number of ms above 0");
const rows = warmupErrors(readSet(values.dir, seed).values(), warmupMs * 1e6);

const pct = (x: number): string => `${x >= 0 ? "+" : ""}${(100 * x).toFixed(1)}%`;
const groups: [string, (r: WarmupRow) => boolean][] = [
  ["all", () => true],
  ["process pools", hasProcessPool],
  ["the others", (r) => !hasProcessPool(r)],
];
const windows: [string, (r: WarmupRow) => number[]][] = [
  ["every task", (r) => r.all],
  [`after ${warmupMs} ms`, (r) => r.warm],
];
console.log(`seed ${seed}, ${values.dir}: ${rows.length} scenarios with open or closed arrivals`);
for (const [name, keep] of groups) {
  const sel = rows.filter(keep);
  for (const [from, errors] of windows) {
    const cells = WARMUP_KEYS.map((key, k) => {
      const xs = sel.map((r) => errors(r)[k] as number).filter(Number.isFinite);
      return `${key.slice(8)} mean ${pct(meanOf(xs))}, median |e| ${(100 * median(xs.map(Math.abs))).toFixed(1)}%`;
    });
    console.log(`${name.padEnd(13)} (${sel.length}), ${from.padEnd(12)}: ${cells.join("; ")}`);
  }
}
for (const r of rows.filter(hasProcessPool)) {
  const cells = WARMUP_KEYS.map(
    (key, k) => `${key.slice(8)} ${pct(r.all[k] as number)} -> ${pct(r.warm[k] as number)}`,
  );
  console.log(`${r.id} ${r.family.padEnd(18)} ${cells.join("  ")}`);
}
