import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { humanTime, parseCount, parseMinutes } from "../../src/cli/commands/validate.js";
import { UsageError } from "../../src/cli/io.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import { findPythons } from "../../src/validate/pythons.js";
import { RANDOM_DATA_DIR, readRandomRecord } from "../../src/validate/record.js";
import { schedPolicy } from "../../src/validate/record-runs.js";
import { drawScenario } from "../../src/validate/space.js";
import { tempDir } from "../temp.js";
import { run } from "./run.js";

const dir = tempDir("gilsim-cli-validate-");

describe("gilsim validate: options", { timeout: 600_000 }, () => {
  test("--random and --seed are required; bad values are usage errors (exit 2) naming the option", async () => {
    expect(await run("validate", "--seed", "1")).toMatchObject({
      code: 2,
      err: "gilsim: validate needs --random N (how many scenarios to draw)\n",
    });
    expect((await run("validate", "--random", "3")).err).toBe(
      "gilsim: validate needs --seed S (which set of scenarios)\n",
    );
    expect((await run("validate", "--random", "0", "--seed", "1")).err).toMatch(
      /^gilsim: invalid --random: 0 \(expected/,
    );
    const bad = await run("validate", "--random", "2", "--seed", "1", "--max-time", "-3");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/invalid --max-time: -3 \(expected minutes above 0\)/);
    const profile = await run("validate", "--random", "2", "--seed", "1", "--profile", join(dir, "nope.json"));
    expect(profile).toMatchObject({ code: 2 });
    expect(profile.err).toMatch(/invalid --profile: .*nope\.json \(no such file\)/);
    expect(() => parseCount("1e3")).toThrow(UsageError);
    expect(parseMinutes("2.5")).toBe(2.5);
    expect(humanTime(42.4)).toBe("42 s");
    expect(humanTime(459)).toBe("7.7 min");
  });

  test("--list prints each drawn scenario and how long recording them would take, and runs nothing", async () => {
    const r = await run("validate", "--random", "3", "--seed", "1", "--list", "--dir", join(dir, "listed"));
    expect(r.code).toBe(0);
    const lines = r.out.trim().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^s1-001 {2}3\.9 +~\d\.\d s\/run {2}threads x8; 230 tasks from 16 closed-loop clients/);
    expect(lines[3]).toMatch(
      /^3 scenarios of seed 1 \(generator \d+\): 0 recorded in .*listed\/seed-1, 3 to run 3 times: about \d+ s and [1-3] session profiles? \(about \d+ s\)$/,
    );
    const bare = await run(
      "validate",
      "--random",
      "3",
      "--seed",
      "1",
      "--list",
      "--no-calibrate",
      "--dir",
      join(dir, "listed"),
    );
    expect(bare.out.trim().split("\n")[3]).toMatch(/3 to run 3 times: about \d+ s$/);
    expect(existsSync(join(dir, "listed"))).toBe(false);
  });

  test("--no-run with nothing recorded says so and exits 0", async () => {
    mkdirSync(join(dir, "empty"));
    const r = await run("validate", "--random", "3", "--seed", "9", "--no-run", "--dir", join(dir, "empty"));
    expect(r).toMatchObject({ code: 0, err: "" });
    expect(r.out).toMatch(/^no recorded runs of seed 9 in .*empty\/seed-9: nothing to report/);
  });

  test("--no-run with a --dir that does not exist is a usage error naming it (a mistyped folder)", async () => {
    const missing = join(dir, "no-such-folder");
    const r = await run("validate", "--random", "3", "--seed", "9", "--no-run", "--dir", missing);
    expect(r).toMatchObject({ code: 2, out: "" });
    expect(r.err).toBe(
      `gilsim: invalid --dir: ${missing} (no such folder; --no-run reports from recorded runs there)\n`,
    );
  });
});

// Reports simulate every recorded scenario twice; recording runs CPython: slow on a loaded machine.
describe("gilsim validate: reporting from recorded runs", { timeout: 600_000 }, () => {
  test("--no-run reports the recorded development set: provenance, both parameter sets, targets, groups", async () => {
    const r = await run("validate", "--random", "6", "--seed", "1", "--no-run", "--dir", RANDOM_DATA_DIR);
    expect(r.code).toBe(0);
    expect(r.out).toContain("### Random scenarios, seed 1: 6 of 6 recorded");
    expect(r.out).toMatch(
      /6 scenarios, 3 real runs each, on a 2-core .* in CPython 3\.9\.\d+, .*recorded \d{4}-\d\d-\d\d/,
    );
    expect(r.out).toContain("| metric | profile: median abs. error | within 15% | mean signed | worst | defaults:");
    for (const m of ["makespan", "throughput", "p50", "p95", "p99", "all five"])
      expect(r.out).toMatch(new RegExp(`\\n\\| ${m} \\| `));
    expect(r.out).toContain("| median \\|error\\| of p99, machine profile |");
    expect(r.out).toContain("#### Mean signed error by executor (machine profile)");
    expect(r.out).toContain("#### Mean signed error by Python version (machine profile)");
  });

  test("--out writes the figures as SVG and PNG, report.md with every scenario, and report.json", async () => {
    const out = join(dir, "report");
    const r = await run(
      "validate",
      "--random",
      "6",
      "--seed",
      "1",
      "--no-run",
      "--dir",
      RANDOM_DATA_DIR,
      "--out",
      out,
      "--json",
    );
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { seed: number; results: { id: string; errors: { profile: unknown[] } }[] };
    expect(json.seed).toBe(1);
    expect(json.results.map((x) => x.id)).toEqual(["s1-001", "s1-002", "s1-003", "s1-004", "s1-005", "s1-006"]);
    expect(json.results[0]?.errors.profile).toHaveLength(5);
    expect(readdirSync(out).sort()).toEqual(
      [
        "errors.png",
        "errors.svg",
        "parity-defaults.png",
        "parity-defaults.svg",
        "parity-profile.png",
        "parity-profile.svg",
        "report.json",
        "report.md",
      ].sort(),
    );
    const md = readFileSync(join(out, "report.md"), "utf8");
    expect(md).toContain("#### Every scenario (version defaults)");
    for (let i = 1; i <= 6; i++) expect(md).toContain(`| s1-00${i}`);
    const svg = readFileSync(join(out, "errors.svg"), "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    // The title covers both panels: the machine profile (left) and the version defaults (right).
    // Each panel's clause names the metric furthest off in it, whichever that is for these records.
    expect(svg).toMatch(/with the machine profile, (makespan|throughput|p50|p95|p99) [\d.]+% (high|low)/);
    expect(svg).toMatch(/with the version defaults, (makespan|throughput|p50|p95|p99) [\d.]+% (high|low)/);
  });
});

describe("gilsim validate: recording", () => {
  // Seed 137's first scenario: IO-bound asyncio, a batch of 309 tasks, about 0.8 s per run, Python 3.12.
  const scenario = drawScenario(137, 0);

  test("records a scenario in its version's interpreter, then resumes without running it again", {
    timeout: 600_000,
  }, async () => {
    const pythons = await findPythons();
    const runs = join(dir, "runs");
    const first = await run("validate", "--random", "1", "--seed", "137", "--runs", "1", "--dir", runs);
    expect(first.code).toBe(0);
    if (!pythons.has(scenario.version)) {
      expect(first.err).toContain(`gilsim: s137-001 needs Python ${scenario.version}, not found: skipped`);
      return;
    }
    expect(first.err).toMatch(
      /(^|\n)validate seed 137: 0 of 1 scenarios recorded, 1 to run 1 times each: about \d+ s and 1 session profile \(about 8 s\)\n/,
    );
    // Recording under SCHED_IDLE (as tests run on the shared development machine) gets a warning.
    expect(first.err.includes("gilsim: warning: this process runs under SCHED_IDLE")).toBe(
      schedPolicy() === "SCHED_IDLE",
    );
    expect(first.err).toMatch(/validate seed 137: recorded 1 scenarios \(1 real runs\) in \d+ s\n$/);
    const rec = readRandomRecord(join(runs, "seed-137", "s137-001.json"));
    expect(rec.input).toEqual(scenario.input);
    expect(rec.python.version.startsWith(`${scenario.version}.`)).toBe(true);
    expect(rec.runs).toHaveLength(1);
    // The session's machine profile, measured first in the same interpreter.
    expect(rec.profile?.python).toBe(rec.python.version);
    expect(Date.parse(rec.profile?.created ?? "")).toBeLessThan(Date.parse(rec.recorded));
    expect(rec.runs[0]?.trace.tasks.id).toHaveLength(parseScenario(scenario.input).workload.arrivals.count);
    const again = await run("validate", "--random", "1", "--seed", "137", "--runs", "1", "--dir", runs);
    expect(again.code).toBe(0);
    expect(again.err).toBe("");
    expect(again.out).toContain("### Random scenarios, seed 137: 1 of 1 recorded");
    // The report simulates it with that session profile.
    const json = await run("validate", "--random", "1", "--seed", "137", "--no-run", "--dir", runs, "--json");
    expect((JSON.parse(json.out) as { results: { profile: string }[] }).results[0]?.profile).toBe("session");
  });

  test("--max-time shorter than one scenario still records one scenario per call, and says to go on", {
    timeout: 600_000,
  }, async () => {
    const pythons = await findPythons();
    const two = [drawScenario(137, 0), drawScenario(137, 1)];
    if (!two.every((s) => pythons.has(s.version))) return;
    const runs = join(dir, "chunked");
    const args = ["validate", "--random", "2", "--seed", "137", "--runs", "1", "--no-calibrate", "--dir", runs];
    const first = await run(...args, "--max-time", "0.001");
    expect(first.code).toBe(0);
    expect(first.err).toMatch(
      /recorded 1 scenarios \(1 real runs\) in \d+ s; stopped at --max-time with 1 still to run/,
    );
    const second = await run(...args, "--max-time", "0.001");
    expect(second.err).toMatch(/recorded 1 scenarios \(1 real runs\) in \d+ s\n/);
    expect(second.out).toContain("### Random scenarios, seed 137: 2 of 2 recorded");
    // Recorded without --calibrate's profiles: no session profile in the records.
    expect(readRandomRecord(join(runs, "seed-137", "s137-002.json")).profile).toBeUndefined();
  });
});
