import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, test } from "vitest";
import { formatProfile, parseOnly, parseScale } from "../../src/cli/commands/calibrate.js";
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
      "sleep-overshoot,asyncio-step,thread-start,fresh-page",
      "--scale",
      "0.3",
      "--force", // the test machine may be busy; the refusal is tested below
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^machine profile: CPython 3\.\d+\.\d+ on \w+, \d+ cores/);
    expect(r.out).toMatch(/\n {4}sleep-overshoot +\S+ +\S+ +\d+ +time\.sleep\(1 ms\) minus 1 ms\n/);
    expect(r.out).toMatch(/\n {4}runtime\.timerSlack +\d/);
    // a fresh page is measured and kept, but sets no parameter (the runtime keys below)
    expect(r.out).toMatch(/\n {4}fresh-page +\d[\d.]*[nµu]s +\S+ +\d+ +a fresh 4 KiB page/);
    expect(r.out).toContain(`wrote ${out}`);
    expect(r.out).toContain(`(use it with --profile ${out})`);
    const p = readProfile(out);
    expect(Object.keys(p.runtime).sort()).toEqual(["loopIterationCost", "loopStepCost", "threadStart", "timerSlack"]);
    expect(p.measured["fresh-page"]?.median).toBeGreaterThan(0);
    // the profile it wrote is usable by simulate
    const sim = await run("simulate", "convoy", "--profile", out, "--json");
    expect(sim.code).toBe(0);
  });

  test("a printed profile says whether the CPUs share a cache domain, and nothing when it is not known", () => {
    const profile = readProfile(fileURLToPath(new URL("../../data/profiles/3.11.json", import.meta.url)));
    expect(profile.machine.sharedCache).toBe(false);
    expect(formatProfile(profile)).toMatch(/machine\.sharedCache\s+no cache domain in sysfs/);
    const shared = { ...profile, machine: { ...profile.machine, sharedCache: true } };
    expect(formatProfile(shared)).toMatch(/machine\.sharedCache\s+yes/);
    const { sharedCache: _unknown, ...rest } = profile.machine;
    expect(formatProfile({ ...profile, machine: rest })).not.toContain("sharedCache");
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

  afterEach(() => {
    delete process.env.GILSIM_ASSUME_BUSY;
  });

  test("calibrate on a busy machine refuses to save the profile unless --force, which marks it", async () => {
    process.env.GILSIM_ASSUME_BUSY = "1";
    const out = join(dir, "busy.json");
    const args = ["calibrate", "--out", out, "--only", "sleep-overshoot", "--scale", "0.2"];
    const refused = await run(...args);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(
      /^gilsim: the machine was busy \(GILSIM_ASSUME_BUSY=1 is set[;)].*busy\.json not saved \(use --force/,
    );
    expect(existsSync(out)).toBe(false);
    const forced = await run(...args, "--force");
    expect(forced.code).toBe(0);
    expect(forced.out).toContain("(busy machine, forced)");
    expect(readProfile(out).measured["machine-load"]?.note).toMatch(/^BUSY, saved with --force: /);
  });

  test("calibrate with several interpreters needs {version} in --out", async () => {
    const r = await run("calibrate", "--python", "3.9,3.11", "--out", join(dir, "p.json"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/invalid (--out: .* \(measuring 2 interpreters needs \{version\} in it\)|python: 3\.9)/);
  });

  test("calibrate --mechanisms rejects bad options naming them", async () => {
    expect((await run("calibrate", "--compare")).err).toBe("gilsim: --compare needs --mechanisms\n");
    expect((await run("calibrate", "--mechanisms", "--repeats", "0")).err).toBe(
      "gilsim: invalid --repeats: 0 (expected an integer from 1 to 50)\n",
    );
    const only = await run("calibrate", "--mechanisms", "--only", "bogus");
    expect(only.code).toBe(2);
    expect(only.err).toMatch(/^gilsim: invalid --only: bogus \(expected experiments among gil-threads, gil-release, /);
    const none = await run("calibrate", "--mechanisms", "--compare", "--dir", join(dir, "empty"));
    expect(none).toMatchObject({ code: 2, err: expect.stringMatching(/^gilsim: no recordings in /) });
  });

  test("calibrate --mechanisms --compare prints real against simulated per figure and writes report.md", async () => {
    const recordings = join(dir, "mechanisms");
    mkdirSync(recordings, { recursive: true });
    copyFileSync(
      fileURLToPath(new URL("../../data/mechanisms/3.12.json", import.meta.url)),
      join(recordings, "3.12.json"),
    );
    const profiles = fileURLToPath(new URL("../../data/profiles", import.meta.url));
    const r = await run("calibrate", "--mechanisms", "--compare", "--dir", recordings, "--profiles", profiles);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^figure +version +params +real median \[range\] +simulated +error +within\n/);
    expect(r.out).toMatch(
      /\ngil-threads\/slice\.median\.n2 +3\.12 +defaults +\S+ ms \[\S+ ms\.\.\S+ ms\] +\S+ ms +[+-]\d/,
    );
    // Sockets were a format gap until the socket step: now simulated like every other figure.
    expect(r.out).toMatch(/\nsockets\/rps\.k1\.i5ms +3\.12 +profile +\S+\/s \[\S+\/s\.\.\S+\/s\] +\S+\/s +[+-]\d/);
    expect(r.out).toMatch(/\n\d+ of \d+ simulated figures within target; 0 figure-versions are format gaps\n/);
    const report = readFileSync(join(recordings, "report.md"), "utf8");
    expect(report).toMatch(/^# Mechanism suite: real CPython against the model\n/);
    expect(report).toContain("| gil-threads/slice.median.n2 | 3.12 | defaults |");
  }, 120_000);
});
