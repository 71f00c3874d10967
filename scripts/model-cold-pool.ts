/*
 * The model's side of scripts/plain-cold-pool.py: a validation record with an event loop offloading
 * to a process pool (s1-023 by default), simulated with its session profile at several seeds, and
 * for each the figures the plain program prints of real CPython, call by call, by when the call
 * was submitted or ended (before 150 ms, to 400 ms, after): submit to a worker starting it, and the
 * worker's end to its coroutine resuming (the plain program's "manager takes the result" is 0.2 to
 * 0.5 ms before that); and the event loop's iterations longer than 1 ms in the first 200 ms.
 * docs/model.md, section 10 ("A cold process pool behind a busy event loop").
 *
 *   tsx scripts/model-cold-pool.ts [--record data/validation/random/seed-1/s1-023.json] [--seeds 3]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { endQuietlyOnBrokenPipe } from "../src/cli/io.js";
import { simulate } from "../src/model/simulate.js";
import { applyProfile } from "../src/real/profile.js";
import { parseScenario } from "../src/scenario/scenario.js";
import type { Trace } from "../src/trace/types.js";

function usage(problem: string): never {
  process.stderr.write(`model-cold-pool: ${problem}\n`);
  process.exit(2);
}
let values: { record: string; seeds: string };
try {
  values = parseArgs({
    options: {
      record: { type: "string", default: "data/validation/random/seed-1/s1-023.json" },
      seeds: { type: "string", default: "3" },
    },
  }).values as typeof values;
} catch (error) {
  usage((error as Error).message.split("\n")[0] as string);
}
endQuietlyOnBrokenPipe(false); // a closed pipe (| head) ends the output quietly
const seeds = Number(values.seeds);
if (!Number.isInteger(seeds) || seeds < 1) usage(`invalid --seeds: ${values.seeds} (expected a positive integer)`);
let record: { id: string; input: Record<string, unknown> & { seed: number }; profile?: unknown };
try {
  record = JSON.parse(readFileSync(values.record, "utf8"));
} catch (error) {
  usage(`cannot read ${values.record}: ${(error as Error).message.split("\n")[0]}`);
}
if (!record.profile) usage(`${values.record} has no session profile`);
if (!Number.isInteger(record.input?.seed)) usage(`${values.record} has no input.seed`);

const MS = 1e6;
const WINDOWS: [number, number][] = [
  [0, 150],
  [150, 400],
  [400, Number.POSITIVE_INFINITY],
];

/** The value at rank floor(p n) of sorted values, as the plain program picks its percentiles. */
function at(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

function spread(values: number[]): string {
  if (values.length === 0) return "-";
  const v = [...values].sort((a, b) => a - b);
  return `n ${v.length}, median ${at(v, 0.5).toFixed(2)}, p90 ${at(v, 0.9).toFixed(2)}, max ${at(v, 1).toFixed(2)}`;
}

function byWindow(rows: [number, number][]): string {
  return WINDOWS.map(([lo, hi]) => {
    const sel = rows.filter(([at]) => at >= lo && at < hi).map(([, ms]) => ms);
    return `[${lo}, ${Number.isFinite(hi) ? hi : "end"}) ms: ${spread(sel)}`;
  }).join("; ");
}

/**
 * Each offload step (its submit and the coroutine's resumption, on the loop's thread) with the
 * first start and the last end of the steps a worker process ran inside it.
 */
function calls(trace: Trace): { submit: number; start: number; end: number; resumed: number }[] {
  const out: { submit: number; start: number; end: number; resumed: number }[] = [];
  for (const task of trace.tasks) {
    const inWorker = task.steps.filter((s) => (trace.threads[s.thread]?.process ?? 0) !== 0);
    for (const o of task.steps) {
      if (o.kind !== "offload") continue;
      const mine = inWorker.filter((w) => w.start >= o.start && w.end <= o.end);
      if (mine.length === 0) continue;
      const start = Math.min(...mine.map((w) => w.start));
      const end = Math.max(...mine.map((w) => w.end));
      out.push({ submit: o.start, start, end, resumed: o.end });
    }
  }
  return out;
}

for (let k = 0; k < seeds; k++) {
  const input = { ...(applyProfile(record.input, record.profile as never) as object), seed: record.input.seed + k };
  const trace = simulate(parseScenario(input, record.id), { seed: record.input.seed + k, trace: true }).trace as Trace;
  const first = Math.min(...trace.tasks.map((t) => t.arrival));
  const all = calls(trace);
  const latencies = trace.tasks.map((t) => (t.end - t.arrival) / MS).sort((a, b) => a - b);
  const q = (p: number) => at(latencies, p).toFixed(1);
  console.log(
    `${record.id}, seed ${record.input.seed + k}: latency (ms) p50 ${q(0.5)}  p95 ${q(0.95)}  p99 ${q(0.99)}`,
  );
  const toStart = all.map((c): [number, number] => [(c.submit - first) / MS, (c.start - c.submit) / MS]);
  console.log(`  submit -> a worker starts it (ms), by submit time: ${byWindow(toStart)}`);
  const back = all.map((c): [number, number] => [(c.end - first) / MS, (c.resumed - c.end) / MS]);
  console.log(`  worker's end -> its coroutine resumes (ms), by the worker's end time: ${byWindow(back)}`);
  const long = trace.iterations.filter(
    (it) => it.process === 0 && it.start - first >= 0 && it.start - first < 200 * MS && it.end - it.start > MS,
  );
  const text = long.map((it) => `${Math.round((it.start - first) / MS)}:${((it.end - it.start) / MS).toFixed(1)}`);
  console.log(`  loop iterations over 1 ms in the first 200 ms (start:duration, ms): ${text.join(" ")}`);
}
