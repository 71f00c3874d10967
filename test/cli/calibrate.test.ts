import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parseOnly, parseScale } from "../../src/cli/commands/calibrate.js";
import { UsageError } from "../../src/cli/io.js";
import { readProfile } from "../../src/real/profile.js";
import { tempDir } from "../temp.js";
import { run } from "./run.js";

const dir = tempDir("gilsim-cli-calibrate-");

describe("gilsim calibrate", () => {
  test("calibrate --out FILE measures, prints each quantity and the parameters it sets, and writes a profile", async () => {
    const out = join(dir, "profile.json");
    const r = await run(
      "calibrate",
      "--out",
      out,
      "--only",
      "sleep-overshoot,asyncio-step,thread-start",
      "--scale",
      "0.3",
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^machine profile: CPython 3\.\d+\.\d+ on \w+, \d+ cores/);
    expect(r.out).toMatch(/\n {4}sleep-overshoot +\S+ +\S+ +\d+ +time\.sleep\(1 ms\) minus 1 ms\n/);
    expect(r.out).toMatch(/\n {4}runtime\.timerSlack +\d/);
    expect(r.out).toContain(`wrote ${out} (use it with --profile ${out})`);
    const p = readProfile(out);
    expect(Object.keys(p.runtime).sort()).toEqual(["loopIterationCost", "loopStepCost", "threadStart", "timerSlack"]);
    // the profile it wrote is usable by simulate
    const sim = await run("simulate", "convoy", "--profile", out, "--json");
    expect(sim.code).toBe(0);
  });

  test("calibrate with bad options exits 2 naming them", async () => {
    expect(await run("calibrate", "--scale", "0")).toMatchObject({
      code: 2,
      err: "gilsim: invalid --scale: 0 (expected a number above 0, at most 100)\n",
    });
    const only = await run("calibrate", "--only", "bogus");
    expect(only.code).toBe(2);
    expect(only.err).toMatch(/^gilsim: invalid --only: bogus \(expected experiments among wakeup, gil-handoff, /);
    expect(() => parseScale("abc")).toThrow(UsageError);
    expect(parseOnly("wakeup, os-slice")).toEqual(["wakeup", "os-slice"]);
  });
});
