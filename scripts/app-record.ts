/*
 * Records the demo service (examples/app/app.py) at one configuration under `gilsim record`, with
 * the load generator's measured traffic, and writes both: RECORDING.jsonl and RECORDING.load.json
 * (every request's send time and latency, as the client saw it).
 *
 *   tsx scripts/app-record.ts OUT.jsonl [--workers 4] [--rate 200] [--count 1000] [--warmup 200] [--mode threads] [--no-record]
 */
import { writeFileSync } from "node:fs";
import { measureConfig } from "../notebooks/lib/app-bench.js";

const args = process.argv.slice(2);
const out = args[0];
if (!out) {
  process.stderr.write(
    "usage: tsx scripts/app-record.ts OUT.jsonl [--workers N] [--rate R] [--count N] [--warmup N]\n",
  );
  process.exit(2);
}
function opt(name: string, dflt: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] as string) : dflt;
}
const workers = Number(opt("workers", "4"));
const rate = Number(opt("rate", "200"));
const mode = opt("mode", "threads") as "threads" | "asyncio";
const noRecord = args.includes("--no-record");
const m = await measureConfig(
  { id: `${mode}-${workers}`, mode, workers, rate },
  {
    python: opt("python", "python3"),
    count: Number(opt("count", "1000")),
    warmup: Number(opt("warmup", "200")),
    seed: Number(opt("seed", "1")),
    recordTo: noRecord ? undefined : out,
  },
);
writeFileSync(out.replace(/\.jsonl$/, "") + ".load.json", JSON.stringify(m));
const lat = m.samples.map((s) => s.latency).sort((a, b) => a - b);
const q = (p: number) => (lat[Math.floor((lat.length - 1) * p)] as number) / 1e6;
process.stdout.write(
  `${mode} ${workers} at ${rate}/s: ${lat.length} requests, client p50 ${q(0.5).toFixed(2)} ms p95 ${q(0.95).toFixed(2)} ms p99 ${q(0.99).toFixed(2)} ms; server CPU ${(m.serverCpu / m.duration).toFixed(3)} cores, client CPU ${((m.clientCpu ?? 0) / m.duration).toFixed(3)} cores; speed ${m.speedBefore.toFixed(1)}/${m.speedAfter.toFixed(1)} ns\n`,
);
