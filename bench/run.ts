/**
 * Runs the benchmarks and prints one table: `npm run bench` (all) or `npm run bench -- mmc`
 * (those whose name is given). Exits 1 when a figure misses its target.
 *
 * Each benchmark is a module exporting a `Bench`; add new ones to BENCHES.
 */
import { memoryBench } from "./memory.js";
import { mmcBench } from "./mmc.js";
import { modelBench } from "./model.js";
import { renderBench } from "./render.js";
import { startupBench } from "./startup.js";
import { sweepBench } from "./sweep.js";
import type { Bench, BenchLine } from "./types.js";

const BENCHES: readonly Bench[] = [mmcBench, modelBench, startupBench, sweepBench, memoryBench, renderBench];

interface Row {
  bench: string;
  line: BenchLine;
}

function formatValue(line: BenchLine): string {
  const v = line.value;
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString("en-US");
  return v.toFixed(3);
}

function status(line: BenchLine): string {
  if (line.atLeast !== undefined && line.value < line.atLeast) return "MISSED";
  if (line.atMost !== undefined && line.value > line.atMost) return "MISSED";
  return line.atLeast === undefined && line.atMost === undefined ? "" : "ok";
}

function target(line: BenchLine): string {
  if (line.atLeast !== undefined) return `>= ${line.atLeast}`;
  if (line.atMost !== undefined) return `<= ${line.atMost}`;
  return "";
}

/** Renders rows as a fixed-width text table. */
export function renderTable(rows: readonly Row[]): string {
  const header = ["bench", "metric", "value", "unit", "target", "status"];
  const cells = rows.map((r) => [
    r.bench,
    r.line.metric,
    formatValue(r.line),
    r.line.unit,
    target(r.line),
    status(r.line),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const right = new Set([2]);
  const fmt = (c: readonly string[]): string =>
    c
      .map((s, i) => (right.has(i) ? s.padStart(widths[i] as number) : s.padEnd(widths[i] as number)))
      .join("  ")
      .trimEnd();
  return [fmt(header), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(fmt)].join("\n");
}

async function main(argv: readonly string[]): Promise<number> {
  const wanted = argv.filter((a) => !a.startsWith("-"));
  const unknown = wanted.filter((w) => !BENCHES.some((b) => b.name === w));
  if (unknown.length > 0) {
    process.stderr.write(
      `invalid bench: ${unknown.join(", ")} (expected one of ${BENCHES.map((b) => b.name).join(", ")})\n`,
    );
    return 2;
  }
  const selected = wanted.length === 0 ? BENCHES : BENCHES.filter((b) => wanted.includes(b.name));
  const tty = process.stderr.isTTY === true;
  const rows: Row[] = [];
  for (const bench of selected) {
    const progress = (s: string): void => {
      if (tty) process.stderr.write(`\r\x1b[K${bench.name}: ${s}`);
    };
    progress("starting");
    const lines = await bench.run(progress);
    if (tty) process.stderr.write("\r\x1b[K");
    process.stdout.write(`${bench.name}: ${bench.description}\n`);
    for (const line of lines) rows.push({ bench: bench.name, line });
  }
  process.stdout.write(`\n${renderTable(rows)}\n`);
  process.stdout.write(`\nnode ${process.version}, ${process.platform}/${process.arch}\n`);
  return rows.some((r) => status(r.line) === "MISSED") ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
