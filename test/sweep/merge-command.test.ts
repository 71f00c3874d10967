import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { MEDIAN_SIGNED_ERROR } from "../../src/sweep/model-error.js";
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

  test("gilsim merge --target marks the points that meet it as sweep --target does: same sweep.json, figures and target line", async () => {
    const file = scenarioFile(tinyScenario());
    const vary = ["--vary", "executor.workers=1..3", "--vary", "machine.cores=1,2", "--workers", "0"];
    const whole = tempDir();
    expect((await runCli(["sweep", file, ...vary, "--out", whole, "--no-figures"])).code).toBe(0);
    // A target between the points' upper bounds, in whole microseconds: some meet it, some do not.
    const doc = JSON.parse(readFileSync(join(whole, "sweep.json"), "utf8"));
    const his: number[] = doc.points
      .map((p: { summary: Record<string, { hi: number }> }) => Math.round((p.summary["latency.p99"]?.hi ?? 0) / 1000))
      .sort((a: number, b: number) => a - b);
    const target = `p99<=${his[Math.floor(his.length / 2)]}us`;
    const swept = await runCli(["sweep", file, ...vary, "--out", whole, "--target", target]);
    expect(swept.code, swept.err).toBe(0);
    // The shards need no target: merge marks it.
    const shards = [tempDir(), tempDir()];
    for (const [i, out] of shards.entries()) {
      const r = await runCli(["sweep", file, ...vary, "--shard", `${i + 1}/2`, "--out", out, "--no-figures"]);
      expect(r.code, r.err).toBe(0);
    }
    const merged = tempDir();
    const r = await runCli(["merge", ...shards, "--out", merged, "--target", target]);
    expect(r.code, r.err).toBe(0);
    const line = (out: string) => out.split("\n").find((l) => l.startsWith("target "));
    // Both allow for the model's measured error, as recommend does, by default.
    expect(line(r.out)).toMatch(
      /^target p99 ≤ [\d.]+ms \(at the 95% upper bound; a simulated bound must stay ≤ [\d.]+ms \([\d.]+ms ÷ 1\.058: the model's p99 ran 5\.5% low against CPython at the median\)\): [0-5] of 6 points meets? it$/,
    );
    expect(line(r.out)).toBe(line(swept.out));
    const results = ["sweep.json", "sweep.csv", "latency.p99-line.svg", "latency.p99-heatmap.svg"];
    for (const name of results) {
      expect(readFileSync(join(merged, name), "utf8"), name).toBe(readFileSync(join(whole, name), "utf8"));
    }
    expect(readFileSync(join(merged, "sweep.json"), "utf8")).toContain('"meetsTarget":true');
    expect(readFileSync(join(merged, "latency.p99-line.svg"), "utf8")).toContain("target: p99 ≤ ");
    expect(readFileSync(join(merged, "latency.p99-heatmap.svg"), "utf8")).toContain("Outlined cells meet p99 ≤ ");
    // --no-model-error judges the simulation as it is, in merge as in sweep.
    const raw = await runCli(["merge", ...shards, "--out", tempDir(), "--target", target, "--no-model-error"]);
    expect(line(raw.out)).toMatch(/^target p99 ≤ [\d.]+ms \(at the 95% upper bound\): [1-5] of 6 points meets? it$/);
    // Shards that ran with --profile say so, and merge takes the error measured with a machine
    // profile from them, as sweep --profile does.
    const profile = join(import.meta.dirname, "..", "..", "data", "profiles", "3.11.json");
    const profiledShards = [tempDir(), tempDir()];
    for (const [i, out] of profiledShards.entries()) {
      const r2 = await runCli([
        "sweep",
        file,
        ...vary,
        "--profile",
        profile,
        "--shard",
        `${i + 1}/2`,
        "--out",
        out,
        "--no-figures",
      ]);
      expect(r2.code, r2.err).toBe(0);
    }
    const byHeader = await runCli(["merge", ...profiledShards, "--out", tempDir(), "--target", target]);
    expect(byHeader.code, byHeader.err).toBe(0);
    expect(line(byHeader.out)).toContain("÷ 1.031: the model's p99 ran 3.0% low");
    // A shard of an older gilsim (no "profiled") beside one that says it: the one that says decides,
    // whatever the order; two that disagree are refused.
    const setProfiled = (out: string, value: boolean | undefined) => {
      const points = join(out, "points.jsonl");
      const [head, ...rest] = readFileSync(points, "utf8").split("\n");
      const { profiled: _, ...older } = JSON.parse(head as string);
      writeFileSync(
        points,
        [JSON.stringify(value === undefined ? older : { ...older, profiled: value }), ...rest].join("\n"),
      );
    };
    setProfiled(profiledShards[0] as string, undefined);
    const mixed = await runCli(["merge", ...profiledShards, "--out", tempDir(), "--target", target]);
    expect(mixed.code, mixed.err).toBe(0);
    expect(line(mixed.out)).toContain("÷ 1.031: the model's p99 ran 3.0% low");
    setProfiled(profiledShards[0] as string, false);
    const disagree = await runCli(["merge", ...profiledShards, "--out", tempDir(), "--target", target]);
    expect(disagree.code).toBe(2);
    expect(disagree.err).toMatch(
      /^gilsim: invalid merge: .* ran with --profile and .* without; merge the shards of one sweep\n$/,
    );
    // Shards that say they ran without it refuse --profiled.
    const contradicted = await runCli(["merge", ...shards, "--out", tempDir(), "--target", target, "--profiled"]);
    expect(contradicted.code).toBe(2);
    expect(contradicted.err).toBe("gilsim: --profiled: the shards say they ran without --profile (drop --profiled)\n");
    // Shards of a gilsim that did not record it (no "profiled" in their header) take --profiled's word.
    for (const out of shards) {
      const points = join(out, "points.jsonl");
      const [head, ...rest] = readFileSync(points, "utf8").split("\n");
      const { profiled: _, ...older } = JSON.parse(head as string);
      writeFileSync(points, [JSON.stringify(older), ...rest].join("\n"));
    }
    const profiledOut = tempDir();
    const profiled = await runCli(["merge", ...shards, "--out", profiledOut, "--target", target, "--profiled"]);
    expect(profiled.code, profiled.err).toBe(0);
    expect(line(profiled.out)).toContain("÷ 1.031: the model's p99 ran 3.0% low");
    const byProfile = JSON.parse(readFileSync(join(profiledOut, "sweep.json"), "utf8"));
    const factor = 1 / (1 + MEDIAN_SIGNED_ERROR.profile["latency.p99"]);
    expect(byProfile.points.map((p: { meetsTarget: boolean }) => p.meetsTarget)).toEqual(
      byProfile.points.map(
        (p: { summary: Record<string, { hi: number }> }) =>
          (p.summary["latency.p99"]?.hi ?? 0) * factor <= byProfile.target.value,
      ),
    );
    // Without a target, the two have nothing to judge: a usage error, as a bad --target is.
    for (const flag of ["--no-model-error", "--profiled"]) {
      const r2 = await runCli(["merge", ...shards, "--out", tempDir(), flag]);
      expect(r2.code, flag).toBe(2);
      expect(r2.err).toBe(`gilsim: ${flag} applies to --target: give a --target, or drop ${flag}\n`);
    }
  });

  test("gilsim merge refuses a bad --target with one line and exit 2, as sweep does, and leaves no folder", async () => {
    const file = scenarioFile(tinyScenario());
    const shard = tempDir();
    const vary = ["--vary", "executor.workers=1,2", "--workers", "0", "--no-figures"];
    expect((await runCli(["sweep", file, ...vary, "--replications", "1", "--out", shard])).code).toBe(0);
    const cases: [string[], string][] = [
      [
        ["--target", "p99"],
        'gilsim: invalid --target: "p99" (expected METRIC<VALUE, like p99<100ms or throughput>=450/s)\n',
      ],
      [
        ["--target", "p99>=100ms"],
        "gilsim: invalid --target: p99>=100ms (a time target is an upper bound: use < or <=)\n",
      ],
      [
        ["--target", "p99<=100ms", "--metric", "throughput"],
        "gilsim: --target p99<=100ms reads latency.p99 but --metric is throughput (the figures show one metric: drop --metric, or give --metric latency.p99)\n",
      ],
      [
        ["--target", "p99<=100ms"],
        "gilsim: --target needs at least 2 replications per point for its 95% bound, and a point here has 1 (run the shards again with --replications 3)\n",
      ],
    ];
    for (const [args, err] of cases) {
      const out = join(tempDir(), "merged");
      const r = await runCli(["merge", shard, "--out", out, ...args]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err, args.join(" ")).toBe(err);
      expect(r.out).toBe("");
      expect(existsSync(out), args.join(" ")).toBe(false);
    }
  });
});
