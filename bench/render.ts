/**
 * Rendering big runs: a timeline of 1,000,000 state intervals (target: under 5 s) and the
 * whole notebook batch (`npm start`) into a temporary folder.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { timelineChart } from "../src/charts/timeline.js";
import { bigTrace } from "../test/fixtures/big-trace.js";
import { timeIt } from "./measure.js";
import type { Bench, BenchLine } from "./types.js";

export const renderBench: Bench = {
  name: "render",
  description: "a timeline of 1,000,000 intervals, and the whole notebook batch",
  async run(progress) {
    const lines: BenchLine[] = [];
    progress("building a 1,000,000-interval trace");
    const trace = bigTrace(1_000_000);
    progress("rendering the timeline");
    let bytes = 0;
    const seconds = timeIt(() => {
      bytes = timelineChart(trace, { title: "1,000,000 intervals" }).svg.length;
    });
    lines.push({ metric: "timeline of 1M intervals", value: seconds, unit: "s", atMost: 5 });
    lines.push({ metric: "timeline SVG size", value: bytes / 1024, unit: "KiB" });
    progress("running every notebook");
    const out = mkdtempSync(join(tmpdir(), "gilsim-bench-"));
    try {
      const batch = timeIt(() => {
        execFileSync(
          process.execPath,
          ["--import", "tsx", join(import.meta.dirname, "..", "notebooks", "run-all.ts")],
          {
            env: { ...process.env, GILSIM_OUTPUT: out },
            stdio: ["ignore", "ignore", "inherit"],
          },
        );
      });
      lines.push({ metric: "notebook batch (npm start)", value: batch, unit: "s" });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    return lines;
  },
};
