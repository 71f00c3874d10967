/*
 * The recorder's overhead on the demo service (examples/app/app.py): runs the service with and
 * without `gilsim record`, in pairs, on the same planned traffic, and compares the server's CPU
 * time and the client-side latency. Each pair runs in the opposite order to the one before (off,
 * on; on, off; ...), so a drift of the host's speed during the measurement cancels out instead of
 * landing on one side. Run it on a quiet machine; the host's Python speed before and after each
 * run is printed so a disturbed pair can be seen.
 *
 *   tsx scripts/recorder-overhead.ts [--pairs 6] [--workers 4] [--rate 200] [--count 1000] [--warmup 200] [--python python3]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type MeasuredRun, measureConfig } from "../notebooks/lib/app-bench.js";

const args = process.argv.slice(2);
const NAMES = ["pairs", "workers", "rate", "count", "warmup", "python"];
for (let i = 0; i < args.length; i += 2) {
  const name = (args[i] as string).replace(/^--/, "");
  if (!NAMES.includes(name) || args[i + 1] === undefined) {
    process.stderr.write(
      `recorder-overhead: unknown or incomplete option ${args[i]} (expected --${NAMES.join(", --")} with a value)\n`,
    );
    process.exit(2);
  }
}
function opt(name: string, dflt: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] as string) : dflt;
}
function count(name: string, dflt: number): number {
  const v = Number(opt(name, String(dflt)));
  if (!Number.isInteger(v) || v < 1) {
    process.stderr.write(`recorder-overhead: invalid --${name}: ${opt(name, "")} (expected a positive integer)\n`);
    process.exit(2);
  }
  return v;
}
const pairs = count("pairs", 6);
const config = { id: "overhead", mode: "threads" as const, workers: count("workers", 4), rate: count("rate", 200) };
const base = { python: opt("python", "python3"), count: count("count", 1000), warmup: count("warmup", 200) };

const quantile = (xs: readonly number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) * p)] as number;
};
const cpuPerRequest = (m: MeasuredRun) => m.serverCpu / m.samples.length / 1000;
const latency = (m: MeasuredRun, p: number) =>
  quantile(
    m.samples.map((s) => s.latency),
    p,
  ) / 1e6;
const median = (xs: readonly number[]) =>
  (quantile(xs, 0.5) +
    -quantile(
      xs.map((x) => -x),
      0.5,
    )) /
  2;
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const pct = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%`;

/** Two-sided 95% Student t quantiles for 1 to 10 degrees of freedom (then the normal's). */
const T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228];

const folder = mkdtempSync(join(tmpdir(), "gilsim-overhead-"));
const ratios: { cpu: number; p50: number; p95: number }[] = [];
try {
  for (let k = 0; k < pairs; k++) {
    const seed = k + 1;
    const run = async (record: boolean) => {
      process.stderr.write(`pair ${k + 1}/${pairs}: ${record ? "recorded" : "not recorded"}…\n`);
      return measureConfig(config, {
        ...base,
        seed,
        recordTo: record ? join(folder, `pair-${seed}.jsonl`) : undefined,
      });
    };
    const first = await run(k % 2 === 1);
    const second = await run(k % 2 === 0);
    const [on, off] = k % 2 === 1 ? [first, second] : [second, first];
    const r = {
      cpu: cpuPerRequest(on) / cpuPerRequest(off) - 1,
      p50: latency(on, 0.5) / latency(off, 0.5) - 1,
      p95: latency(on, 0.95) / latency(off, 0.95) - 1,
    };
    ratios.push(r);
    process.stdout.write(
      `pair ${k + 1} (seed ${seed}, ${k % 2 === 1 ? "on first" : "off first"}): server CPU ${cpuPerRequest(off).toFixed(0)} -> ${cpuPerRequest(on).toFixed(0)} us a request (${pct(r.cpu)}); client p50 ${latency(off, 0.5).toFixed(2)} -> ${latency(on, 0.5).toFixed(2)} ms, p95 ${latency(off, 0.95).toFixed(2)} -> ${latency(on, 0.95).toFixed(2)} ms; Python speed ${off.speedBefore.toFixed(0)}/${off.speedAfter.toFixed(0)} and ${on.speedBefore.toFixed(0)}/${on.speedAfter.toFixed(0)} ns\n`,
    );
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
const cpu = ratios.map((r) => r.cpu);
const m = mean(cpu);
const sd = Math.sqrt(cpu.reduce((a, x) => a + (x - m) ** 2, 0) / Math.max(1, cpu.length - 1));
const half = cpu.length > 1 ? ((T95[cpu.length - 2] ?? 1.96) * sd) / Math.sqrt(cpu.length) : Number.NaN;
process.stdout.write(
  `recorder overhead over ${pairs} pairs (${config.workers} threads, ${config.rate}/s, ${base.count} requests): server CPU per request ${pct(m)} on average (95% interval ${pct(m - half)} to ${pct(m + half)}; median ${pct(median(cpu))}, pairs ${pct(Math.min(...cpu))} to ${pct(Math.max(...cpu))}); client p50 ${pct(mean(ratios.map((r) => r.p50)))}, p95 ${pct(mean(ratios.map((r) => r.p95)))} on average\n`,
);
