import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parsePriority, parseTimeout } from "../../src/cli/commands/real.js";
import { UsageError } from "../../src/cli/io.js";
import type { Trace } from "../../src/trace/types.js";
import { pythonsOnMachine } from "../real/pythons.js";
import { tempDir } from "../temp.js";
import { run } from "./run.js";

const dir = tempDir("gilsim-cli-real-");

const FILE = join(dir, "small.json");
writeFileSync(
  FILE,
  JSON.stringify({
    name: "small",
    machine: { cores: 2 },
    runtime: { python: "3.11" },
    executor: { kind: "threads", workers: 2 },
    workload: { arrivals: { kind: "batch", count: 6 }, classes: [{ steps: [{ cpu: "2ms" }, { io: "1ms" }] }] },
  }),
);

describe("gilsim real", () => {
  test("real FILE runs the scenario in CPython and prints the measured metrics; --trace writes the trace", async () => {
    const trace = join(dir, "trace.json");
    const r = await run("real", FILE, "--trace", trace);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^small \(seed 1\): 6 tasks arrived, 6 completed, 6 measured \(after run\.warmup\)\n {2}measured in CPython 3\.\d+\.\d+/,
    );
    expect(r.out).toContain("ThreadPoolExecutor-0_");
    // What Python cannot see is n/a, never 0 or 0.0%.
    expect(r.out).toMatch(/^ {2}events +n\/a \(a real run is not simulated\)$/m);
    expect(r.out).toMatch(/^ {2}cores busy +n\/a /m);
    expect(r.out).toMatch(/^ {2}GIL +n\/a /m);
    const main = r.out.split("\n").find((l) => /^ {4}MainThread /.test(l)) ?? "";
    expect(main.trim().split(/\s+/)).toEqual([
      "MainThread",
      "0",
      "main",
      "n/a",
      expect.stringMatching(/%$/),
      expect.stringMatching(/%$/),
      "n/a",
      "n/a",
      expect.stringMatching(/%$/),
      expect.stringMatching(/%$/),
    ]);
    expect(r.out).not.toMatch(/^ {2}events +0$/m);
    const t = JSON.parse(readFileSync(trace, "utf8")) as Trace;
    expect(t.tasks).toHaveLength(6);
  });

  test("real --json prints the metrics and the Python version as JSON", async () => {
    const r = await run("real", FILE, "--json", "--seed", "4");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { python: string; metrics: { seed: number; tasks: { completed: number } } };
    expect(out.python).toMatch(/^3\.\d+\.\d+$/);
    expect(out.metrics.tasks.completed).toBe(6);
    expect(out.metrics.seed).toBe(4);
    expect(out).toMatchObject({ units: { time: "ns" }, notMeasured: expect.arrayContaining(["events", "gil"]) });
  });

  test("real with no usable Python exits 2 with one line saying what to install", async () => {
    const missing = await run("real", FILE, "--python", join(dir, "no-python"));
    expect([missing.code, missing.out]).toEqual([2, ""]);
    expect(missing.err).toBe(
      `gilsim: invalid python: ${JSON.stringify(join(dir, "no-python"))} (not found; expected a Python 3.9 or later interpreter)\n`,
    );
    const old = (await pythonsOnMachine(true)).find((p) => p.major === 3 && p.minor < 9);
    if (old) {
      const r = await run("real", FILE, "--python", old.command);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(
        /is Python 3\.[0-8]\.\d+ .*; gilsim needs Python 3\.9 or later: install it, or pass --python PATH\n$/,
      );
    }
  });

  test("real exits 1 when the harness crashes, saying so, and leaves no trace file behind", async () => {
    const trace = join(dir, "crashed.json");
    process.env.GILSIM_HARNESS_FAIL = "crash";
    try {
      const r = await run("real", FILE, "--trace", trace);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^gilsim: harness crashed \(killed by SIGABRT\) before finishing; nothing was kept/);
    } finally {
      delete process.env.GILSIM_HARNESS_FAIL;
    }
    expect(() => readFileSync(trace)).toThrow();
  });

  test("real with a bad option exits 2 naming it", async () => {
    const r = await run("real", FILE, "--priority", "30");
    expect([r.code, r.err]).toEqual([2, "gilsim: invalid --priority: 30 (expected an integer from 0 to 20)\n"]);
    expect(() => parseTimeout("0")).toThrow(UsageError);
    expect(parsePriority("5")).toBe(5);
  });
});
