import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parseReplications, parseSeed, stableJson } from "../../src/cli/commands/simulate.js";
import { UsageError } from "../../src/cli/io.js";
import { MS } from "../../src/engine/time.js";
import type { Metrics } from "../../src/metrics/types.js";
import { tempDir } from "../temp.js";
import { run } from "./run.js";

const dir = tempDir("gilsim-simulate-");

function file(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
}

/** A small open workload, so seeds change arrival times. */
const POISSON = {
  name: "poisson-small",
  executor: { kind: "asyncio" },
  workload: {
    arrivals: { kind: "poisson", rate: "200/s", count: 60 },
    classes: [{ steps: [{ cpu: "1ms" }, { io: { dist: "exponential", mean: "5ms" } }] }],
  },
};

function keysSorted(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(keysSorted);
  if (value === null || typeof value !== "object") return true;
  const keys = Object.keys(value);
  return keys.join() === [...keys].sort().join() && Object.values(value).every(keysSorted);
}

describe("gilsim simulate", () => {
  test("simulate PRESET prints the summary: makespan, throughput, quantiles, GIL and the thread table", async () => {
    const r = await run("simulate", "convoy");
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    const lines = r.out.split("\n");
    expect(lines[0]).toBe("convoy (seed 1): 1 tasks arrived, 1 completed, 1 measured (after run.warmup)");
    for (const label of ["makespan", "throughput", "latency", "wait", "GIL (process 0)", "tasks in system"]) {
      expect(lines.some((l) => l.trimStart().startsWith(label))).toBe(true);
    }
    expect(r.out).toMatch(/latency +p50 \S+ {2}p90 \S+ {2}p95 \S+ {2}p99 \S+ {2}max \S+/);
    expect(r.out).toMatch(/thread +process +role +cpu +gil +nogil +wait-gil +wait-core +io +idle/);
    expect(r.out).toMatch(/\n {4}cruncher +0 +background /);
    // Throughput says its window; Little's law and events say what they are.
    expect(r.out).toMatch(
      /\n {2}throughput +\S+ tasks\/s \(1 measured tasks over the (makespan|\S+ measured window, from run.warmup to the run's end)\)\n/,
    );
    expect(r.out).toMatch(/\n {2}tasks in system +\S+ on average \(Little's law, L = λW: /);
    expect(r.out).toMatch(/\n {2}events +\d+ \(steps the simulator took\)\n/);
  });

  test("simulate --json prints metrics that parse, with sorted keys", async () => {
    const r = await run("simulate", "threads-hashing", "--json");
    expect(r.code).toBe(0);
    const m = JSON.parse(r.out) as Metrics;
    expect(keysSorted(m)).toBe(true);
    expect(m.scenario).toBe("threads-hashing");
    expect(m.tasks.completed).toBe(8);
    // 8 tasks of 50ms of GIL-released CPU on 4 threads and 4 cores: two rounds of 50ms, plus hand-offs.
    expect(m.makespan).toBeGreaterThanOrEqual(100 * MS);
    expect(m.makespan).toBeLessThan(105 * MS);
  });

  test("simulate --json states its units and leaves the time series out unless --series asks", async () => {
    const r = await run("simulate", "web-api", "--json");
    expect(r.code).toBe(0);
    const m = JSON.parse(r.out) as Metrics & { units: Record<string, string> };
    expect(m.units).toMatchObject({ time: "ns", rate: "tasks/s", share: "fraction from 0 to 1" });
    expect(m.units.timeKeys).toContain("latency.*");
    // A quantile block's count is a number of tasks, not a time: the units say so.
    expect(m.units.timeKeys).toContain("each but its count");
    expect(m).not.toHaveProperty("queue");
    expect(m.loops[0]).not.toHaveProperty("lagSeries");
    expect(m.loops[0]?.lag.p99).toBeGreaterThan(0);
    // The web-api run's series were 193 KB of its JSON.
    expect(r.out.length).toBeLessThan(10_000);
    const full = await run("simulate", "web-api", "--json", "--series");
    const withSeries = JSON.parse(full.out) as Metrics;
    expect(withSeries.loops[0]?.lagSeries.length).toBeGreaterThan(100);
    expect(withSeries.queue.length).toBeGreaterThan(100);
    const { queue: _q, loops, ...rest } = withSeries;
    expect({ ...rest, loops: loops.map(({ lagSeries: _l, ...l }) => l) }).toEqual(m);
  });

  test("simulate --json gives the same bytes for the same seed, and other metrics for another seed", async () => {
    const path = file("poisson.json", POISSON);
    const a = await run("simulate", path, "--json", "--seed", "5");
    const b = await run("simulate", path, "--json", "--seed", "5");
    const c = await run("simulate", path, "--json", "--seed", "6");
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
    expect(c.out).not.toBe(a.out);
    expect((JSON.parse(a.out) as Metrics).seed).toBe(5);
  });

  test("simulate --replications 3 --json runs seeds seed..seed+2 and summarizes each metric", async () => {
    const r = await run("simulate", file("rep.json", POISSON), "--replications", "3", "--seed", "10", "--json");
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.out) as {
      replications: number;
      runs: Metrics[];
      summary: Record<string, { mean: number }>;
    };
    expect(rep.replications).toBe(3);
    expect(rep.runs.map((m) => m.seed)).toEqual([10, 11, 12]);
    const mean = rep.runs.reduce((a, m) => a + m.makespan, 0) / 3;
    expect(rep.summary.makespan?.mean).toBeCloseTo(mean, 6);
  });

  test("simulate --replications 2 prints a table of means and intervals with units", async () => {
    const r = await run("simulate", file("rep2.json", POISSON), "--replications", "2");
    expect(r.code).toBe(0);
    expect(r.out.split("\n")[0]).toBe("poisson-small: 2 replications (seeds 1..2), 95% confidence intervals");
    expect(r.out).toMatch(/\n {2}makespan +\d[\d.]*m?s /);
    expect(r.out).toMatch(/\n {2}throughput +[\d.]+\/s /);
  });

  test("simulate notes a run stopped by run.until with tasks left", async () => {
    const path = file("cut.json", { ...POISSON, run: { until: "50ms" } });
    const r = await run("simulate", path);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\n {2}stopped at run\.until with \d+ of \d+ arrived tasks unfinished\n/);
  });

  test.each([
    ["--seed", "-3", "gilsim: invalid --seed: -3 (expected a non-negative integer)\n"],
    ["--seed", "1.5", "gilsim: invalid --seed: 1.5 (expected a non-negative integer)\n"],
    ["--seed", "abc", "gilsim: invalid --seed: abc (expected a non-negative integer)\n"],
    ["--replications", "0", "gilsim: invalid --replications: 0 (expected a positive integer of at most 10,000)\n"],
  ])("simulate %s %s returns 2 with one line", async (option, value, message) => {
    const r = await run("simulate", "web-api", option, value);
    expect(r).toEqual({ code: 2, out: "", err: message });
  });

  test("simulate with an unknown preset returns 2 and lists the presets", async () => {
    const r = await run("simulate", "webapi");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^gilsim: unknown scenario: "webapi" \(expected a \.json file or a preset: asyncio-io, .*web-api\)\n$/,
    );
  });

  test("simulate with a missing file returns 2", async () => {
    const path = join(dir, "nothing.json");
    expect(await run("simulate", path)).toEqual({
      code: 2,
      out: "",
      err: `gilsim: cannot read scenario file ${JSON.stringify(path)} (no such file)\n`,
    });
  });

  test("simulate with an invalid scenario returns 2 with the file and one line per problem", async () => {
    const path = file("bad.json", { ...POISSON, seed: -1, machine: { cores: 0 } });
    expect(await run("simulate", path)).toEqual({
      code: 2,
      out: "",
      err: `${path}: seed: -1 is invalid (expected a non-negative integer)\n${path}: machine.cores: 0 is invalid (expected a positive integer)\n`,
    });
  });

  test("simulate with broken JSON returns 2 with the line and column", async () => {
    const path = file("broken.json", '{\n  "name": "x",\n}\n');
    const r = await run("simulate", path);
    expect(r).toEqual({
      code: 2,
      out: "",
      err: `${path}: invalid JSON at line 3, column 1: expected a property name in double quotes, found "}"\n`,
    });
  });
});

describe("simulate's option parsers", () => {
  test("parseSeed accepts non-negative integers up to 2^53 - 1 and throws a UsageError otherwise", () => {
    expect(parseSeed("0")).toBe(0);
    expect(parseSeed("9007199254740991")).toBe(Number.MAX_SAFE_INTEGER);
    for (const bad of ["-1", "1e3", "", " ", "0x10", "9007199254740992"])
      expect(() => parseSeed(bad)).toThrow(UsageError);
  });

  test("parseReplications accepts positive integers up to the scenario format's 10,000 only", () => {
    expect(parseReplications("7")).toBe(7);
    expect(parseReplications("10000")).toBe(10_000);
    for (const bad of ["0", "10001", "1000000000"]) {
      expect(() => parseReplications(bad)).toThrow(
        `invalid --replications: ${bad} (expected a positive integer of at most 10,000)`,
      );
    }
  });

  test("stableJson sorts keys at every depth and keeps array order", () => {
    expect(stableJson({ b: 1, a: [{ d: 1, c: 2 }, 3] })).toBe(
      '{\n  "a": [\n    {\n      "c": 2,\n      "d": 1\n    },\n    3\n  ],\n  "b": 1\n}\n',
    );
  });
});
