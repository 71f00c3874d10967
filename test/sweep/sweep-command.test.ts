import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { MEDIAN_SIGNED_ERROR } from "../../src/sweep/model-error.js";
import { scenarioFile, tempDir, tinyScenario } from "./fixtures.js";
import { runCli } from "./run-cli.js";

describe("gilsim sweep", () => {
  test("gilsim sweep rejects bad input with one line and exit 2 before any work", async () => {
    const file = scenarioFile(tinyScenario());
    const out = join(tempDir(), "never");
    const cases: [string[], string][] = [
      [
        ["--vary", "executor.wrkers=1..4"],
        "gilsim: unknown --vary path: executor.wrkers (did you mean executor.workers?)\n",
      ],
      [["--vary", "workers=1..4"], "gilsim: unknown --vary path: workers (did you mean executor.workers or "],
      [
        ["--vary", "executor.workers=8..1"],
        "gilsim: empty --vary range: 8..1 (expected the start to be at most the end)\n",
      ],
      [[], "gilsim: invalid sweep: no --vary option (expected at least one)\n"],
      [
        ["--vary", "executor.workers=1,2", "--no-model-error"],
        "gilsim: --no-model-error applies to --target: give a --target, or drop --no-model-error\n",
      ],
      [
        ["--vary", "executor.workers=1,0"],
        `${file} with executor.workers=0: executor.workers: 0 is invalid (expected a positive integer)\n`,
      ],
      [
        ["--vary", "executor.workers=1", "--shard", "3/2"],
        "gilsim: invalid --shard: 3/2 (expected K/N with 1 <= K <= N, like 2/4, or auto)\n",
      ],
      [["--vary", "executor.workers=1", "--metric", "p99"], "gilsim: invalid --metric: p99 (expected one of "],
      [
        ["--vary", "executor.workers=1", "--target", "p99"],
        'gilsim: invalid --target: "p99" (expected METRIC<VALUE, like p99<100ms or throughput>=450/s)\n',
      ],
      [
        ["--vary", "executor.workers=1", "--target", "p99>=100ms"],
        "gilsim: invalid --target: p99>=100ms (a time target is an upper bound: use < or <=)\n",
      ],
      [
        ["--vary", "executor.workers=1", "--target", "p98<=100ms"],
        "gilsim: unknown --target metric: p98 (expected one of p50, ",
      ],
      [
        ["--vary", "executor.workers=1", "--target", "p99<=fast"],
        'gilsim: invalid --target value for p99: "fast" (expected a duration above 0 like 100ms)\n',
      ],
      [
        ["--vary", "executor.workers=1", "--target", "p99<=100ms,throughput>=5/s"],
        'gilsim: invalid --target: "p99<=100ms,throughput>=5/s" (expected one target, like p99<=100ms or throughput>=450/s)\n',
      ],
      [
        ["--vary", "executor.workers=1", "--target", "p99<=100ms", "--metric", "throughput"],
        "gilsim: --target p99<=100ms reads latency.p99 but --metric is throughput (the figures show one metric: drop --metric, or give --metric latency.p99)\n",
      ],
      [
        // One run per point has no 95% bound: a target on it would be an optimistic answer.
        ["--vary", "executor.workers=1", "--replications", "1", "--target", "p99<=100ms"],
        "gilsim: --target needs at least 2 replications per point for its 95% bound, and a point here has 1 (add --replications 3)\n",
      ],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(["sweep", file, "--out", out, ...args]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err.startsWith(message), `${args.join(" ")}: ${r.err}`).toBe(true);
      expect(r.err.trimEnd().split("\n"), args.join(" ")).toHaveLength(1);
      expect(existsSync(out)).toBe(false);
    }
    const negative = await runCli(["sweep", file, "--out", out, "--vary", "executor.workers=1", "--workers", "x"]);
    expect(negative.code).toBe(2);
    expect(negative.err).toContain("invalid --workers: x (expected a non-negative integer)");
  });

  test("gilsim sweep writes the results, prints a table, and resumes on a rerun", async () => {
    const file = scenarioFile(tinyScenario());
    const out = tempDir();
    const args = [
      "sweep",
      file,
      "--vary",
      "executor.workers=1..3",
      "--vary",
      "runtime.gil=on",
      "--out",
      out,
      "--workers",
      "0",
    ];
    const first = await runCli(args);
    expect(first.code).toBe(0);
    expect(first.err).toBe("");
    const lines = first.out.split("\n");
    expect(lines[0]).toMatch(/^sweep tiny: 3 points, 3 run, 0 already done; main thread, /);
    expect(lines[1]).toBe("executor.workers  runtime.gil  latency.p99     +/-");
    for (const name of ["points.jsonl", "sweep.json", "sweep.csv", "latency.p99-line.svg"]) {
      expect(existsSync(join(out, name)), name).toBe(true);
    }
    const json = readFileSync(join(out, "sweep.json"), "utf8");
    const again = await runCli(args);
    expect(again.out).toMatch(/^sweep tiny: 3 points, 0 run, 3 already done;/);
    expect(readFileSync(join(out, "sweep.json"), "utf8")).toBe(json);
  });

  test("gilsim sweep refuses to resume a folder holding another sweep", async () => {
    const file = scenarioFile(tinyScenario());
    const out = tempDir();
    await runCli(["sweep", file, "--vary", "executor.workers=1", "--out", out, "--workers", "0", "--no-figures"]);
    const r = await runCli(["sweep", file, "--vary", "executor.workers=2", "--out", out, "--workers", "0"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("holds another sweep");
    const restarted = await runCli([
      "sweep",
      file,
      "--vary",
      "executor.workers=2",
      "--out",
      out,
      "--workers",
      "0",
      "--restart",
    ]);
    expect(restarted.code).toBe(0);
  });

  test("gilsim sweep --target records which points meet it and marks them; without it nothing is marked", async () => {
    const file = scenarioFile(tinyScenario());
    const out = tempDir();
    const base = [
      "sweep",
      file,
      "--vary",
      "executor.workers=1..3",
      "--vary",
      "runtime.python=3.12,3.13t",
      "--out",
      out,
    ];
    const plain = await runCli([...base, "--workers", "0"]);
    expect(plain.code, plain.err).toBe(0);
    const before = JSON.parse(readFileSync(join(out, "sweep.json"), "utf8"));
    expect(before.target).toBeUndefined();
    expect(readFileSync(join(out, "sweep.json"), "utf8")).not.toContain("meetsTarget");
    expect(readFileSync(join(out, "sweep.csv"), "utf8")).not.toContain("meetsTarget");
    for (const f of ["latency.p99-line.svg", "latency.p99-heatmap.svg"]) {
      const svg = readFileSync(join(out, f), "utf8");
      expect(svg, f).not.toMatch(/target|meets|filled|hollow/);
    }
    expect(plain.out).not.toContain("target");
    // A target at the median point's upper bound, rounded up to whole microseconds: some points meet
    // it, some do not, and that point meets it only as simulated (not with the model's error allowed for).
    const his: number[] = before.points.map((p: { summary: Record<string, { hi: number }> }) =>
      Math.ceil((p.summary["latency.p99"] as { hi: number }).hi / 1000),
    );
    const sorted = [...his].sort((a, b) => a - b);
    const limit = sorted[Math.floor(sorted.length / 2)] as number;
    // Met by the unrounded bound (a bound a fraction of a microsecond over the limit misses it).
    const expected = before.points.map(
      (p: { summary: Record<string, { hi: number }> }) =>
        (p.summary["latency.p99"] as { hi: number }).hi <= limit * 1000,
    );
    // Judged on the simulation as it is first (--no-model-error), then as recommend judges it.
    const r = await runCli([...base, "--workers", "0", "--target", `p99<=${limit}us`, "--no-model-error"]);
    expect(r.code, r.err).toBe(0);
    const met = expected.filter(Boolean).length;
    expect(met).toBeGreaterThan(0);
    expect(met).toBeLessThan(his.length);
    expect(r.out).toContain(`: ${met} of ${his.length} points ${met === 1 ? "meets" : "meet"} it`);
    const doc = JSON.parse(readFileSync(join(out, "sweep.json"), "utf8"));
    expect(doc.target).toEqual({
      text: `p99<=${limit}us`,
      metric: "latency.p99",
      op: "<=",
      value: limit * 1000,
      bound: "hi",
      allowance: null,
      modelError: "turned off",
    });
    // By the rule, read here from each point's own upper bound (no run of this sweep is cut short).
    expect(doc.points.map((p: { meetsTarget: boolean }) => p.meetsTarget)).toEqual(
      doc.points.map(
        (p: { summary: Record<string, { hi: number }> }) =>
          (p.summary["latency.p99"] as { hi: number }).hi <= limit * 1000,
      ),
    );
    const csv = readFileSync(join(out, "sweep.csv"), "utf8").trim().split("\n");
    expect(csv[0]?.endsWith(",truncated,meetsTarget,targetJudged")).toBe(true);
    expect(csv.slice(1).filter((l) => l.includes(",0,true,"))).toHaveLength(met);
    // With no allowance the value judged is the point's upper bound itself, in both files.
    const his2 = doc.points.map((p: { summary: Record<string, { hi: number }> }) => p.summary["latency.p99"]?.hi);
    expect(doc.points.map((p: { targetJudged: number }) => p.targetJudged)).toEqual(his2);
    expect(csv.slice(1).map((l) => Number(l.split(",").at(-1)))).toEqual(his2);
    const heatmap = readFileSync(join(out, "latency.p99-heatmap.svg"), "utf8");
    expect(heatmap).toContain("Outlined cells meet p99");
    // Each meeting cell gets one dark ring: a rect in the group drawn 2.5 px wide.
    const rings = /<g aria-label="cell" fill="none" stroke="[^"]+" stroke-width="2.5"[^>]*>(.*?)<\/g>/.exec(heatmap);
    expect(rings?.[1]?.match(/<rect/g)).toHaveLength(met);
    const line = readFileSync(join(out, "latency.p99-line.svg"), "utf8");
    expect(line).toContain("target: p99 ≤ ");
    expect(line).toContain('stroke-dasharray="6,3"');
    expect(line).toContain("hollow: misses it");
    expect(line).not.toContain("a simulated bound must stay");

    // By default the target allows for the model's measured median p99 error, as recommend does:
    // a point meets it when its bound times the factor does, and the figures say so.
    const judged = await runCli([...base, "--workers", "0", "--target", `p99<=${limit}us`]);
    expect(judged.code, judged.err).toBe(0);
    const withError = JSON.parse(readFileSync(join(out, "sweep.json"), "utf8"));
    const factor = 1 / (1 + MEDIAN_SIGNED_ERROR.defaults["latency.p99"]);
    expect(withError.target.allowance).toMatchObject({ quantile: "latency.p99", params: "defaults" });
    expect(withError.target.allowance.factor).toBeCloseTo(factor, 12);
    const meets = withError.points.map((p: { meetsTarget: boolean }) => p.meetsTarget);
    // The value judged is the bound times the allowance's factor, and meets it exactly when it is within.
    for (const p of withError.points as {
      targetJudged: number;
      meetsTarget: boolean;
      summary: Record<string, { hi: number }>;
    }[]) {
      expect(p.targetJudged).toBeCloseTo((p.summary["latency.p99"]?.hi ?? Number.NaN) * factor, 6);
      expect(p.meetsTarget).toBe(p.targetJudged <= limit * 1000);
    }
    expect(meets).toEqual(
      withError.points.map(
        (p: { summary: Record<string, { hi: number }> }) =>
          (p.summary["latency.p99"] as { hi: number }).hi * factor <= limit * 1000,
      ),
    );
    expect(meets.filter(Boolean).length).toBeLessThan(met);
    expect(judged.out).toContain(`÷ ${factor.toFixed(3)}: the model's p99 ran 5.5% low against CPython at the median)`);
    expect(withError.target.modelError).toBe("applied");
    // The limit a simulated bound must stay under is the target divided by the factor, not times it.
    const drawn = /a simulated bound must stay ≤ ([\d.]+)(µs|ms)/.exec(judged.out);
    const drawnNs = Number(drawn?.[1]) * (drawn?.[2] === "ms" ? 1e6 : 1e3);
    expect(Math.abs(drawnNs / ((limit * 1000) / factor) - 1)).toBeLessThan(0.01);
    expect(readFileSync(join(out, "latency.p99-line.svg"), "utf8")).toContain("a simulated bound must stay");
  });
});
