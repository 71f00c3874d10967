import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { scenarioFile, tempDir, tinyScenario } from "./fixtures.js";
import { runCli } from "./run-cli.js";

describe("gilsim merge", () => {
  test("gilsim merge joins shard folders into the results of the unsharded sweep", async () => {
    const file = scenarioFile(tinyScenario());
    const vary = ["--vary", "executor.workers=1..3", "--vary", "machine.cores=1,2", "--workers", "0", "--no-figures"];
    const whole = tempDir();
    expect((await runCli(["sweep", file, ...vary, "--out", whole])).code).toBe(0);
    const shards = [tempDir(), tempDir()];
    for (const [i, out] of shards.entries()) {
      const r = await runCli(["sweep", file, ...vary, "--shard", `${i + 1}/2`, "--out", out]);
      expect(r.out).toMatch(
        /^sweep tiny: shard \d\/2: 3 units of 6 points \(50\.0% of the estimated cost; the largest shard 50\.0%\), 3 run, /,
      );
    }
    const merged = tempDir();
    const r = await runCli(["merge", ...shards, "--out", merged, "--no-figures"]);
    expect(r.code).toBe(0);
    expect(r.out.split("\n")[0]).toBe("merged 2 shards of sweep tiny: 6 points");
    for (const name of ["sweep.json", "sweep.csv"]) {
      expect(readFileSync(join(merged, name), "utf8")).toBe(readFileSync(join(whole, name), "utf8"));
    }
    // The merged folder is a finished sweep: running the sweep there has nothing left to do.
    const rerun = await runCli(["sweep", file, ...vary, "--out", merged]);
    expect(rerun.out).toMatch(/6 points, 0 run, 6 already done/);
  });

  test("gilsim merge exits 2 naming what is missing", async () => {
    const file = scenarioFile(tinyScenario());
    const out = tempDir();
    const vary = ["--vary", "executor.workers=1..4", "--replications", "1"];
    await runCli(["sweep", file, ...vary, "--shard", "1/2", "--workers", "0", "--out", out]);
    const target = join(tempDir(), "merged");
    const r = await runCli(["merge", out, "--out", target]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      "gilsim: invalid merge: 2 of 4 points missing (executor.workers=2; executor.workers=4); shards missing: 2/2; run the missing shards, or rerun the unfinished ones: each resumes where it stopped\n",
    );
    // A refused merge leaves no folder behind.
    expect(existsSync(target)).toBe(false);
    const none = await runCli(["merge", "/nonexistent", "--out", tempDir()]);
    expect(none.err).toBe("gilsim: no such file or folder: /nonexistent\n");
  });
});
