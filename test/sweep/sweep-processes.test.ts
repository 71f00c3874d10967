/*
 * A sweep as separate processes, the way a shell, a batch engine or a second user meets it:
 * signals to the main process alone, a kill -9, two sweeps on one --out, and the rerun after.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { LOCK_FILE } from "../../src/sweep/lock.js";
import { POINTS_FILE } from "../../src/sweep/run.js";
import { scenarioFile, tempDir, tinyScenario } from "./fixtures.js";
import { alive, childrenOf, eventually, startGilsim } from "./processes.js";

/** A point that runs for many seconds: 1.5 million tasks. */
function slowScenario(): string {
  const s = tinyScenario();
  return scenarioFile({
    ...s,
    workload: { ...(s.workload as object), arrivals: { kind: "poisson", rate: "20000/s", count: 1_500_000 } },
    run: { replications: 1, trace: false },
  });
}

const SLOW_VARY = ["--vary", "executor.workers=1,2,3,4"];

/** Starts a slow sweep with two workers and waits until both worker processes run. */
async function slowSweep(out: string) {
  const run = startGilsim(["sweep", slowScenario(), ...SLOW_VARY, "--workers", "2", "--out", out, "--no-figures"]);
  const pid = run.child.pid as number;
  let workers: number[] = [];
  const started = await eventually(() => {
    workers = childrenOf(pid);
    return workers.length === 2;
  }, 60_000);
  expect(started, run.err()).toBe(true);
  return { run, pid, workers };
}

describe("a sweep's processes", () => {
  test.each([
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const)(
    "%s to the main process alone stops its workers, releases the lock and says how to resume",
    async (signal, code) => {
      const out = tempDir();
      const { run, pid, workers } = await slowSweep(out);
      expect(existsSync(join(out, LOCK_FILE))).toBe(true);
      process.kill(pid, signal);
      const exit = await run.exit;
      expect(exit.code).toBe(code);
      expect(run.err()).toContain(
        `gilsim: sweep stopped by ${signal}; its finished points are kept in ${out}: run the same command again to resume`,
      );
      expect(await eventually(() => workers.every((w) => !alive(w)), 10_000)).toBe(true);
      expect(existsSync(join(out, LOCK_FILE))).toBe(false);
    },
    120_000,
  );

  test("kill -9 of the main process alone: the workers notice their parent is gone and end too", async () => {
    const out = tempDir();
    const { run, pid, workers } = await slowSweep(out);
    process.kill(pid, "SIGKILL");
    await run.exit;
    expect(await eventually(() => workers.every((w) => !alive(w)), 10_000)).toBe(true);
    // The lock of the dead sweep is still there, naming it; the next run takes it over (below).
    expect(JSON.parse(readFileSync(join(out, LOCK_FILE), "utf8")).pid).toBe(pid);
  }, 120_000);

  test("a second sweep on the same --out is refused, naming the first; a rerun after a kill -9 resumes without --restart", async () => {
    const file = scenarioFile(tinyScenario());
    const vary = ["--vary", "executor.workers=1..4", "--vary", "machine.cores=1,2", "--no-figures"];
    const out = tempDir();
    // The first sweep holds the folder while its (slow) points run.
    const { run: first, pid } = await slowSweep(out);
    const second = startGilsim(["sweep", slowScenario(), ...SLOW_VARY, "--workers", "1", "--out", out, "--no-figures"]);
    const refused = await second.exit;
    expect(refused.code).toBe(2);
    expect(second.err()).toMatch(
      new RegExp(
        `^gilsim: ${out} is in use by another gilsim sweep tiny \\(pid ${pid} on [^,]+, since [^)]+\\); wait for it to end, stop it, or use another --out\\n$`,
      ),
    );
    process.kill(pid, "SIGKILL");
    await first.exit;

    // A crash in the middle of a sweep: killed after some points, a line maybe cut short.
    const crashed = tempDir();
    const clean = tempDir();
    const reference = startGilsim(["sweep", file, ...vary, "--workers", "0", "--out", clean]);
    expect((await reference.exit).code).toBe(0);
    const victim = startGilsim(["sweep", file, ...vary, "--workers", "1", "--out", crashed]);
    await eventually(
      () =>
        existsSync(join(crashed, POINTS_FILE)) &&
        readFileSync(join(crashed, POINTS_FILE), "utf8").split("\n").length > 3,
      60_000,
    );
    process.kill(victim.child.pid as number, "SIGKILL");
    await victim.exit;
    const rerun = startGilsim(["sweep", file, ...vary, "--workers", "1", "--out", crashed]);
    const done = await rerun.exit;
    expect(done.code, rerun.err()).toBe(0);
    expect(rerun.out()).toMatch(/^sweep tiny: 8 points, \d run, \d already done;/);
    for (const name of ["sweep.json", "sweep.csv"]) {
      expect(readFileSync(join(crashed, name), "utf8")).toBe(readFileSync(join(clean, name), "utf8"));
    }
  }, 180_000);

  test("--workers above the cores is capped with a note", async () => {
    const out = tempDir();
    const run = startGilsim([
      "sweep",
      scenarioFile(tinyScenario()),
      "--vary",
      "executor.workers=1,2",
      "--workers",
      "64",
      "--out",
      out,
      "--no-figures",
    ]);
    expect((await run.exit).code).toBe(0);
    expect(run.err()).toMatch(
      /^gilsim: note: --workers 64 is more than the \d+ cores this process may use; running \d+ /,
    );
    expect(run.out()).toMatch(/; \d+ workers?, /);
  }, 60_000);
});
