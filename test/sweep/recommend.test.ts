import { describe, expect, test } from "vitest";
import { MS } from "../../src/engine/time.js";
import { mmcMeanSojourn } from "../../src/queueing/erlang-c.js";
import { mmcSojournQuantile } from "../../src/sweep/mmc-check.js";
import { InlineRunner } from "../../src/sweep/pool.js";
import { mmcPredictions, recommend } from "../../src/sweep/recommend.js";
import { parseSlo } from "../../src/sweep/slo.js";
import { mmcScenario, tinyScenario } from "./fixtures.js";

describe("recommend", () => {
  test("recommend finds the process pool size Erlang C gives on an M/M/c-like workload", async () => {
    // The p99 target sits 20% above Erlang C's at 5 workers (48.2 ms) and under its 60.1 ms at 4:
    // the 95% upper bound of 3 replications of 1,500 tasks is about 10% above the mean.
    const objectives = parseSlo("p99<58ms,mean<13ms");
    // Erlang C: the smallest c at 300/s of exponential 10 ms services meeting both targets.
    let erlang = 4;
    while (!(mmcSojournQuantile(300, 100, erlang, 0.99) < 0.058 && mmcMeanSojourn(300, 100, erlang) < 0.013)) erlang++;
    expect(erlang).toBe(5);
    const rec = await recommend(mmcScenario(1500), "mmc.json", {
      objectives,
      rate: 300,
      kinds: ["processes"],
      maxWorkers: 8,
      replications: 3,
      // The queue's own answer, which Erlang C knows: no allowance for the model's error.
      modelError: false,
      runner: new InlineRunner(),
    });
    const winner = rec.ranked[0];
    expect(winner?.candidate.id).toBe("processes");
    // The rule reads the 95% upper bound, so the answer is Erlang C's size or a little above it,
    // and the size below it misses at the bound.
    const size = winner?.search.best?.size ?? 0;
    expect(size).toBeGreaterThanOrEqual(erlang);
    expect(size).toBeLessThanOrEqual(erlang + 2);
    expect(winner?.cost).toEqual({ processes: size + 1, threads: size + 1 });
    expect(winner?.search.best?.detail.standings.every((s) => s.bound === s.hi && s.hi < s.objective.target)).toBe(
      true,
    );
    expect(winner?.search.below?.detail.standings.some((s) => s.hi >= s.objective.target)).toBe(true);
    expect(winner?.search.monotone).toBe(true);
    expect(winner?.fragment).toEqual({ executor: { kind: "processes", workers: size } });
    // The simulation agrees with Erlang C within 10% at the answer.
    const best = winner?.search.best?.detail;
    if (!best) throw new Error("no answer");
    const predictions = mmcPredictions(best);
    expect(predictions).not.toBeNull();
    predictions?.forEach((p, i) => {
      expect(Math.abs((best.standings[i]?.value ?? 0) / (p.predicted ?? 1) - 1)).toBeLessThan(0.1);
    });
  });

  test("recommend allows for the model's measured p99 error by default: a larger answer, or none, where the simulated bound has too little room", async () => {
    const options = {
      objectives: parseSlo("p99<56ms"),
      rate: 300,
      kinds: ["processes"],
      maxWorkers: 8,
      replications: 3,
      runner: new InlineRunner(),
    };
    const raw = await recommend(mmcScenario(1500), "mmc.json", { ...options, modelError: false });
    const allowed = await recommend(mmcScenario(1500), "mmc.json", options);
    const size = (r: typeof raw) => r.ranked[0]?.search.best?.size ?? Number.POSITIVE_INFINITY;
    // Erlang C's p99 is 48.2 ms at 5 workers and falls only to 46 ms with more (10 ms x ln 100):
    // as simulated, 5 workers meet 56 ms at the bound (about 10% above the mean); judged 7%
    // higher, the bound needs to be under 52.4 ms, which 5 workers' bound does not reach.
    expect(size(raw)).toBeLessThanOrEqual(5);
    expect(size(allowed)).toBeGreaterThan(size(raw));
    const probes = [...allowed.ranked, ...allowed.failed].flatMap((r) => r.search.probes);
    expect(probes.length).toBeGreaterThan(2);
    for (const p of probes) {
      const [s] = p.detail.standings;
      expect(s?.allowance?.factor).toBeCloseTo(1 / (1 - 0.0552), 12);
      expect(s?.judged).toBeCloseTo((s?.hi ?? 0) * (s?.allowance?.factor ?? 0), 3);
      expect(p.meets).toBe((s?.judged ?? 0) < 56 * MS);
    }
    expect(allowed.allowances.map((a) => a.allowance?.quantile)).toEqual(["latency.p99"]);
  });

  test("recommend ranks layouts by processes then threads and reports those that never meet", async () => {
    const rec = await recommend(tinyScenario(), "tiny.json", {
      objectives: parseSlo("p99<30ms"),
      rate: 200,
      maxWorkers: 4,
      replications: 2,
      runner: new InlineRunner(),
    });
    const all = [...rec.ranked, ...rec.failed].map((r) => r.candidate.id).sort();
    expect(all).toEqual(["asyncio", "processes", "threads"]);
    for (let i = 1; i < rec.ranked.length; i++) {
      const [a, b] = [rec.ranked[i - 1]?.cost, rec.ranked[i]?.cost];
      expect(a!.processes < b!.processes || (a!.processes === b!.processes && a!.threads <= b!.threads)).toBe(true);
    }
    for (const r of rec.failed) expect(r.search.best).toBeNull();
  });

  test("recommend checks its options and every layout before running anything", async () => {
    const runner = new InlineRunner();
    const base = { objectives: parseSlo("p99<1s"), rate: 100, runner };
    await expect(recommend(tinyScenario(), "t", { ...base, kinds: ["gpu"] })).rejects.toThrow(
      "invalid --kinds: gpu (expected some of threads, processes, asyncio for this workload)",
    );
    await expect(recommend(tinyScenario(), "t", { ...base, maxWorkers: 0 })).rejects.toThrow(
      "invalid --max-workers: 0 (expected a positive integer)",
    );
    await expect(recommend({ ...tinyScenario(), machine: { cores: 0 } }, "t", base)).rejects.toThrow(
      "t: machine.cores: 0 is invalid (expected a positive integer)",
    );
  });
});
