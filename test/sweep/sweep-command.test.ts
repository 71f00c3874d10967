import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { scenarioFile, tempDir, tinyScenario } from "./fixtures.js";
import { runCli } from "./run-cli.js";

describe("gilsim sweep", () => {
  test("gilsim sweep rejects bad input with one line and exit 2 before any work", async () => {
    const file = scenarioFile(tinyScenario());
    const out = join(tempDir(), "never");
    const cases: [string[], string][] = [
      [
        ["--vary", "executor.wrkers=1..4"],
        "gilsim: unknown --vary path: executor.wrkers (did you mean executor.workers?)\n",
      ],
      [["--vary", "workers=1..4"], "gilsim: unknown --vary path: workers (did you mean executor.workers or "],
      [
        ["--vary", "executor.workers=8..1"],
        "gilsim: empty --vary range: 8..1 (expected the start to be at most the end)\n",
      ],
      [[], "gilsim: invalid sweep: no --vary option (expected at least one)\n"],
      [
        ["--vary", "executor.workers=1,0"],
        `${file} with executor.workers=0: executor.workers: 0 is invalid (expected a positive integer)\n`,
      ],
      [
        ["--vary", "executor.workers=1", "--shard", "3/2"],
        "gilsim: invalid --shard: 3/2 (expected K/N with 1 <= K <= N, like 2/4, or auto)\n",
      ],
      [["--vary", "executor.workers=1", "--metric", "p99"], "gilsim: invalid --metric: p99 (expected one of "],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(["sweep", file, "--out", out, ...args]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err.startsWith(message), `${args.join(" ")}: ${r.err}`).toBe(true);
      expect(existsSync(out)).toBe(false);
    }
    const negative = await runCli(["sweep", file, "--out", out, "--vary", "executor.workers=1", "--workers", "x"]);
    expect(negative.code).toBe(2);
    expect(negative.err).toContain("invalid --workers: x (expected a non-negative integer)");
  });

  test("gilsim sweep writes the results, prints a table, and resumes on a rerun", async () => {
    const file = scenarioFile(tinyScenario());
    const out = tempDir();
    const args = [
      "sweep",
      file,
      "--vary",
      "executor.workers=1..3",
      "--vary",
      "runtime.gil=on",
      "--out",
      out,
      "--workers",
      "0",
    ];
    const first = await runCli(args);
    expect(first.code).toBe(0);
    expect(first.err).toBe("");
    const lines = first.out.split("\n");
    expect(lines[0]).toMatch(/^sweep tiny: 3 points, 3 run, 0 already done; main thread, /);
    expect(lines[1]).toBe("executor.workers  runtime.gil  latency.p99     +/-");
    for (const name of ["points.jsonl", "sweep.json", "sweep.csv", "latency.p99-line.svg"]) {
      expect(existsSync(join(out, name)), name).toBe(true);
    }
    const json = readFileSync(join(out, "sweep.json"), "utf8");
    const again = await runCli(args);
    expect(again.out).toMatch(/^sweep tiny: 3 points, 0 run, 3 already done;/);
    expect(readFileSync(join(out, "sweep.json"), "utf8")).toBe(json);
  });

  test("gilsim sweep refuses to resume a folder holding another sweep", async () => {
    const file = scenarioFile(tinyScenario());
    const out = tempDir();
    await runCli(["sweep", file, "--vary", "executor.workers=1", "--out", out, "--workers", "0", "--no-figures"]);
    const r = await runCli(["sweep", file, "--vary", "executor.workers=2", "--out", out, "--workers", "0"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("holds another sweep");
    const restarted = await runCli([
      "sweep",
      file,
      "--vary",
      "executor.workers=2",
      "--out",
      out,
      "--workers",
      "0",
      "--restart",
    ]);
    expect(restarted.code).toBe(0);
  });
});
