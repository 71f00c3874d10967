/**
 * Peak memory of 1,000,000- and 10,000,000-task open-arrival simulations with the trace off,
 * each in its own process (peak RSS from getrusage). Target: 10M tasks within 256 MB.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Bench, BenchLine } from "./types.js";

const MB = 1024 * 1024;

function child(
  workload: string,
  count: number,
  traceFile?: string,
): { seconds: number; peakRss: number; events: number } {
  const args = [
    join(import.meta.dirname, "memory-child.ts"),
    workload,
    String(count),
    ...(traceFile ? [traceFile] : []),
  ];
  const out = execFileSync(process.execPath, ["--import", "tsx", ...args], { encoding: "utf8", maxBuffer: 1 << 20 });
  return JSON.parse(out.trim()) as { seconds: number; peakRss: number; events: number };
}

export const memoryBench: Bench = {
  name: "memory",
  description:
    "peak resident memory of IO-bound asyncio runs of 1M and 10M tasks (trace off), and of 1M with the trace streamed to disk, each in a fresh process",
  async run(progress) {
    const lines: BenchLine[] = [];
    for (const count of [1_000_000, 10_000_000]) {
      progress(`${count.toLocaleString("en-US")} tasks`);
      const r = child("io-asyncio", count);
      const label = count === 1_000_000 ? "1M" : "10M";
      lines.push({
        metric: `${label} tasks peak RSS`,
        value: r.peakRss / MB,
        unit: "MB",
        ...(count === 10_000_000 ? { atMost: 256 } : {}),
      });
      lines.push({ metric: `${label} tasks run time`, value: r.seconds, unit: "s" });
      lines.push({ metric: `${label} tasks speed`, value: count / r.seconds, unit: "tasks/s" });
    }
    progress("1,000,000 tasks with the trace streamed to disk");
    const dir = mkdtempSync(join(tmpdir(), "gilsim-trace-"));
    try {
      const path = join(dir, "trace.jsonl");
      const r = child("io-asyncio", 1_000_000, path);
      lines.push({ metric: "1M tasks, trace streamed: peak RSS", value: r.peakRss / MB, unit: "MB" });
      lines.push({ metric: "1M tasks, trace streamed: file size", value: statSync(path).size / MB, unit: "MB" });
      lines.push({ metric: "1M tasks, trace streamed: run time", value: r.seconds, unit: "s" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return lines;
  },
};
