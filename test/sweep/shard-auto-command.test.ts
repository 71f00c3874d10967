import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { ENGINES } from "../../src/sweep/shard.js";
import { scenarioFile, tempDir, tinyScenario } from "./fixtures.js";
import { runCli } from "./run-cli.js";

/** Every variable --shard auto reads: unset around each test, whatever the machine running it sets. */
const VARIABLES = [
  "SLURM_ARRAY_TASK_ID",
  "SLURM_ARRAY_TASK_MIN",
  "SLURM_ARRAY_TASK_MAX",
  "SLURM_ARRAY_TASK_STEP",
  "SLURM_ARRAY_TASK_COUNT",
  ...ENGINES.flatMap((e) => [e.index, e.count]),
];
const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));

beforeEach(() => {
  for (const name of VARIABLES) delete process.env[name];
});

afterEach(() => {
  for (const name of VARIABLES) {
    const value = saved[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe("gilsim sweep --shard auto", () => {
  test("gilsim sweep --shard auto runs the shard the environment names, and says where it came from", async () => {
    process.env.JOB_COMPLETION_INDEX = "1";
    process.env.GILSIM_SHARD_COUNT = "2";
    const out = tempDir();
    const file = scenarioFile(tinyScenario());
    const args = ["sweep", file, "--vary", "executor.workers=1..4", "--shard", "auto", "--workers", "0", "--out", out];
    const r = await runCli([...args, "--no-figures"]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(
      /^sweep tiny: shard 2\/2 \(JOB_COMPLETION_INDEX=1 of GILSIM_SHARD_COUNT=2\): \d+ units of 4 points/,
    );
  });

  test("gilsim sweep --shard auto without the count exits 2 with one line naming the variable to set, before any work", async () => {
    process.env.JOB_COMPLETION_INDEX = "0";
    const out = join(tempDir(), "never");
    const r = await runCli([
      "sweep",
      scenarioFile(tinyScenario()),
      "--vary",
      "executor.workers=1,2",
      "--shard",
      "auto",
      "--out",
      out,
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      "gilsim: --shard auto: JOB_COMPLETION_INDEX is set but GILSIM_SHARD_COUNT is not: set it to the Job's completions in the pod template's env (Kubernetes does not give the count)\n",
    );
    expect(existsSync(out)).toBe(false);
    delete process.env.JOB_COMPLETION_INDEX;
    const none = await runCli([
      "sweep",
      scenarioFile(tinyScenario()),
      "--vary",
      "executor.workers=1,2",
      "--shard",
      "auto",
      "--out",
      out,
    ]);
    expect(none.code).toBe(2);
    expect(none.err.split("\n")).toHaveLength(2);
    expect(none.err).toContain("--shard auto: no array index in the environment");
  });
});
