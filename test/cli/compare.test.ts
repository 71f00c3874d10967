import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { formatError, parseQuietWait, parseRuns, profileLabel } from "../../src/cli/commands/compare.js";
import { UsageError } from "../../src/cli/io.js";
import { tempDir } from "../temp.js";
import { run } from "./run.js";

const dir = tempDir("gilsim-cli-compare-");

const FILE = join(dir, "small.json");
writeFileSync(
  FILE,
  JSON.stringify({
    name: "small",
    machine: { cores: 2 },
    runtime: { python: "3.11" },
    executor: { kind: "asyncio" },
    workload: { arrivals: { kind: "batch", count: 20 }, classes: [{ steps: [{ cpu: "500us" }, { io: "3ms" }] }] },
  }),
);

describe("gilsim compare", () => {
  test("compare FILE prints each metric: simulated, real mean, the real range and the error", async () => {
    const r = await run("compare", FILE, "--runs", "2");
    expect(r.code).toBe(0);
    const lines = r.out.split("\n");
    expect(lines[0]).toMatch(
      /^small \(seed 1\): simulated \(profile .*machine-profile\.json\) against 2 real runs in CPython 3\.\d+\.\d+$/,
    );
    expect(lines[1]).toMatch(/^ {2}metric +simulated +real mean +real min\.\.max +error$/);
    for (const key of ["makespan", "throughput", "latency.p50", "latency.p95", "latency.p99", "busy:MainThread"]) {
      // formatError's numbers: signed, or "0.0%" (unsigned) for what rounds to zero, which a real run
      // can land on (a batch's makespan to within 0.05%).
      expect(lines.some((l) => new RegExp(`^  ${key.replace(".", "\\.")} .*(?:[+-]\\d+\\.\\d|0\\.0)%$`).test(l))).toBe(
        true,
      );
    }
  });

  test("compare --json --out DIR writes the figures and the rows, with --no-profile simulating with the defaults", async () => {
    const out = join(dir, "figures");
    const r = await run("compare", FILE, "--runs", "1", "--no-profile", "--json", "--out", out);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { profile: string; rows: { key: string; real: number[] }[] };
    expect(json.profile).toBe("version defaults");
    expect(json.rows.find((x) => x.key === "makespan")?.real).toHaveLength(1);
    const parity = ["latency.p50", "latency.p95", "latency.p99", "makespan"].map((m) => `sim-vs-real-${m}.svg`);
    const svgs = ["real-timeline.svg", ...parity, "simulated-timeline.svg"];
    // Each figure as .svg and as .png, as every other figure.
    const pngs = svgs.map((f) => f.replace(/\.svg$/, ".png"));
    expect(readdirSync(out).sort()).toEqual(["comparison.json", ...svgs, ...pngs].sort());
    for (const f of pngs) expect(readFileSync(join(out, f)).subarray(1, 4).toString("latin1")).toBe("PNG");
    for (const f of svgs) {
      const svg = readFileSync(join(out, f), "utf8");
      expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      // No absolute path of the user's in any figure.
      expect(svg).not.toContain(dir);
    }
    expect(JSON.parse(readFileSync(join(out, "comparison.json"), "utf8"))).toEqual(json);
  });

  test("compare with bad options exits 2 naming the option and the value", async () => {
    expect(await run("compare", FILE, "--runs", "0")).toMatchObject({
      code: 2,
      err: "gilsim: invalid --runs: 0 (expected an integer from 1 to 100)\n",
    });
    const missing = await run("compare", FILE, "--profile", join(dir, "none.json"), "--runs", "1");
    expect(missing.code).toBe(2);
    expect(missing.err).toBe(`${join(dir, "none.json")}: cannot read the machine profile (no such file)\n`);
    expect(() => parseQuietWait("-1")).toThrow(UsageError);
    expect(parseRuns("7")).toBe(7);
    expect([formatError(0.0321), formatError(-0.004), formatError(null)]).toEqual(["+3.2%", "-0.4%", "n/a"]);
    // What rounds to zero has no sign: never "-0.0%".
    expect([formatError(-0.0004), formatError(0.0004)]).toEqual(["0.0%", "0.0%"]);
  });

  test("profileLabel names a profile by its file name, never the user's absolute path", () => {
    expect(profileLabel("profile /home/ada/work/machine-profile.json")).toBe("profile machine-profile.json");
    expect(profileLabel("version defaults")).toBe("version defaults");
  });
});
