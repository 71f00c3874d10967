import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { formatSweepCsv, formatSweepJson } from "../../src/sweep/output.js";
import { PointFile } from "../../src/sweep/point-file.js";
import { writeSweepResults } from "../../src/sweep/results.js";
import { gridSweep } from "./doc-fixture.js";
import { tempDir } from "./fixtures.js";

/** The grid sweep as a points file, rows in reverse order of finishing. */
function gridPoints(): PointFile {
  const { header, rows } = gridSweep();
  const file = join(tempDir(), "points.jsonl");
  writeFileSync(file, `${[header, ...[...rows].reverse()].map((r) => JSON.stringify(r)).join("\n")}\n`);
  return PointFile.open(file);
}

describe("writeSweepResults", () => {
  test("writeSweepResults writes sweep.json and sweep.csv in grid order, and the figures", async () => {
    const out = tempDir();
    const points = gridPoints();
    const { meta, files } = await writeSweepResults(points, out);
    points.close();
    expect(files).toEqual([
      join(out, "sweep.json"),
      join(out, "sweep.csv"),
      join(out, "latency.p99-line.svg"),
      join(out, "latency.p99-heatmap.svg"),
    ]);
    const { meta: expected, rows } = gridSweep();
    expect(meta).toEqual(expected);
    expect(readFileSync(join(out, "sweep.json"), "utf8")).toBe(formatSweepJson(expected, rows));
    expect(readFileSync(join(out, "sweep.csv"), "utf8")).toBe(formatSweepCsv(expected, rows));
  });

  test("writeSweepResults skips the figures when asked, and names an unknown metric", async () => {
    const out = tempDir();
    const points = gridPoints();
    expect((await writeSweepResults(points, out, { figures: false })).files).toHaveLength(2);
    await expect(writeSweepResults(points, out, { metric: "latency.p42" })).rejects.toThrow(
      "invalid --metric: latency.p42 (expected one of latency.p99, throughput)",
    );
    points.close();
  });
});
