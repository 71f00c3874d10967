import { describe, expect, test } from "vitest";
import { MS } from "../../src/engine/time.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import { mmcModel, mmcSojournQuantile } from "../../src/sweep/mmc-check.js";
import { allowanceFor } from "../../src/sweep/model-error.js";
import type { Evaluation, KindResult, Recommendation } from "../../src/sweep/recommend.js";
import {
  allowanceLines,
  formatRecommendation,
  mmcLines,
  recommendationJson,
} from "../../src/sweep/recommend-report.js";
import { describe as describeStanding, parseSlo, stand } from "../../src/sweep/slo.js";
import { mmcScenario } from "./fixtures.js";

const objectives = parseSlo("p99<100ms");
const scenario = parseScenario({ ...mmcScenario(), executor: { kind: "processes", workers: 5 } });

function evaluation(p99: number, mmc: Evaluation["mmc"]): Evaluation {
  const summary = { "latency.p99": { mean: p99, lo: p99 - MS, hi: p99 + MS, halfWidth: MS } };
  const standings = objectives.map((o) => stand(o, summary));
  return { summary, standings, margin: Math.min(...standings.map((s) => s.headroom)), mmc };
}

function kind(id: string, label: string, size: number | null, p99: number, cost: KindResult["cost"]): KindResult {
  const detail = evaluation(p99, id === "processes" ? mmcModel(scenario) : "threads share one GIL");
  const probe = { size: size ?? 8, meets: size !== null, detail };
  return {
    candidate: { id, label, unit: id === "asyncio" ? ["loop", "loops"] : ["worker", "workers"] },
    search: {
      best: size === null ? null : probe,
      below: size === null ? probe : null,
      probes: [probe],
      monotone: true,
    },
    cost,
    fragment: size === null ? null : { executor: { kind: id, workers: size } },
    why: size === null ? "500/s × 2ms of Python (GIL held) = one whole GIL: at or past the whole resource" : null,
  };
}

// Judged as simulated, as with --no-model-error (the tests of the allowance are below).
const rec: Recommendation = {
  base: scenario,
  replications: 3,
  maxWorkers: 8,
  allowances: objectives.map((objective) => ({ objective, allowance: null })),
  modelErrorParams: "defaults",
  ranked: [
    kind("processes", "process pool", 5, 72 * MS, { processes: 6, threads: 6 }),
    kind("asyncio", "asyncio loops", 7, 90 * MS, { processes: 7, threads: 7 }),
  ],
  failed: [kind("threads", "thread pool", null, 2000 * MS, null)],
};

describe("formatRecommendation", () => {
  test("formatRecommendation states the rule, names the winner with its standing and the lines to paste, then every layout", () => {
    const text = formatRecommendation(rec, objectives, "300/s");
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toBe("target: p99<100ms at 300/s (Poisson), 3 replications per probe, up to 8 workers");
    expect(lines[1]).toBe(
      "rule: a size meets the target when the 95% upper bound over the replications does, not only the mean",
    );
    expect(lines[2]).toBe(
      "model error: not allowed for (--no-model-error); the model's p99 ran 5.5% low at the median of 40 random scenarios run in real CPython in 3 sessions on 2 days (simulated with the version defaults), so a size close to the target may be too small",
    );
    expect(lines[3]).toBe("recommended: process pool with 5 workers (6 processes, 6 threads)");
    expect(lines[4]).toBe(
      "  p99 72ms (95% upper bound 73ms) vs 100ms target: meets, 27% to spare at the bound [95% CI 71ms to 73ms]",
    );
    const predicted = mmcSojournQuantile(300, 100, 5, 0.99) * 1000;
    expect(lines[5]).toMatch(
      new RegExp(`^  Erlang C \\(M/M/5\\): p99 ${Number(predicted.toPrecision(3))}ms predicted vs 72ms simulated`),
    );
    expect(lines.slice(6, 8)).toEqual(["paste into the scenario:", '  "executor": {"kind":"processes","workers":5}']);
    expect(lines).toContain("  layout         size  processes  threads  margin");
    expect(lines).toContain("  process pool      5          6        6     27%");
    expect(lines).toContain("  asyncio loops     7          7        7      9%");
    expect(lines.slice(-3)).toEqual([
      "thread pool: no size up to 8 meets the target",
      "  at 8 workers: p99 2s (95% upper bound 2s) vs 100ms target: misses",
      "  why: 500/s × 2ms of Python (GIL held) = one whole GIL: at or past the whole resource",
    ]);
    expect(text).not.toMatch(/misses by/);
  });

  test("formatRecommendation shows the size below the answer when it meets the target on the mean only", () => {
    const winner = kind("processes", "process pool", 5, 72 * MS, { processes: 6, threads: 6 });
    const below = { size: 4, meets: false, detail: evaluation(99.5 * MS, "threads share one GIL") };
    const text = formatRecommendation(
      { ...rec, ranked: [{ ...winner, search: { ...winner.search, below } }] },
      objectives,
      "300/s",
    );
    expect(text).toContain(
      "\n  with 4 workers: p99 99.5ms (95% upper bound 101ms) vs 100ms target: meets on the mean only\n",
    );
  });

  test("formatRecommendation states each latency target's model-error factor and where it comes from, and judges with it", () => {
    const allowance = allowanceFor("latency.p99");
    expect(allowance?.factor).toBeCloseTo(1 / (1 - 0.0552), 12);
    const allowed = { ...rec, allowances: objectives.map((objective) => ({ objective, allowance })) };
    expect(allowanceLines(allowed)).toEqual([
      "model error: p99's bound (and mean) judged at 1.058 × the simulated value, because the model's p99 ran 5.5% low at the median of 40 random scenarios run in real CPython in 3 sessions on 2 days (simulated with the version defaults); this corrects the typical bias only (about half of held-out scenarios were further off); --no-model-error judges the simulation as it is",
    ]);
    // With a machine profile, the error measured with one.
    const profiled = {
      allowances: objectives.map((o) => ({ objective: o, allowance: allowanceFor(o.metric, "profile") })),
    };
    expect(allowanceLines({ ...profiled, modelErrorParams: "profile" })[0]).toMatch(
      /^model error: p99's bound \(and mean\) judged at 1\.031 × .* ran 3\.0% low .*\(simulated with a machine profile\)/,
    );
    // A throughput target gets no line; a latency metric whose error was not measured says so.
    const other = parseSlo("max<1s,throughput>=10/s");
    expect(
      allowanceLines({
        allowances: other.map((objective) => ({ objective, allowance: allowanceFor(objective.metric) })),
        modelErrorParams: "defaults",
      }),
    ).toEqual(["model error: not measured for max (only p50, p95 and p99 were; p90 takes p95's): judged as simulated"]);
    // Judged with it: a p99 bound of 96 ms meets 100 ms as simulated, and misses at 96 x 1.058 = 101.6 ms.
    const summary = { "latency.p99": { mean: 95 * MS, lo: 94 * MS, hi: 96 * MS, halfWidth: MS } };
    const [p99] = objectives;
    const raw = stand(p99!, summary);
    const judged = stand(p99!, summary, allowance);
    expect(raw.meets).toBe(true);
    expect(judged.judged).toBeCloseTo(96 * MS * (allowance?.factor ?? 0), 3);
    expect(judged.meets).toBe(false);
    expect(judged.headroom).toBeCloseTo((100 - 96 / (1 - 0.0552)) / 100, 9);
    expect(describeStanding(judged)).toBe(
      "p99 95ms (95% upper bound 96ms, 102ms with the model's error allowed for) vs 100ms target: misses",
    );
  });

  test("formatRecommendation says so when no layout meets the target", () => {
    const none = { ...rec, ranked: [] };
    expect(formatRecommendation(none, objectives, "300/s")).toContain("no layout meets p99<100ms with up to 8 workers");
  });
});

describe("mmcLines", () => {
  test("mmcLines gives the reason when the configuration is not M/M/c-like", () => {
    expect(mmcLines(evaluation(MS, "threads share one GIL"))).toEqual([
      "  Erlang C: no cross-check (threads share one GIL)",
    ]);
  });
});

describe("recommendationJson", () => {
  test("recommendationJson lists the winner, the layouts and the Erlang C predictions", () => {
    const json = recommendationJson(rec, objectives, 300);
    expect(json.recommended).toMatchObject({ layout: "processes", workers: 5, processes: 6, threads: 6 });
    expect(json.recommended?.erlangC).toMatchObject({ applies: true });
    expect(json.layouts.map((l) => l.layout)).toEqual(["processes", "asyncio"]);
    expect(json.failed[0]).toMatchObject({ layout: "threads", workers: null, fragment: null });
    expect(json.failed[0]?.why).toMatch(/one whole GIL/);
    expect(json.recommended).toMatchObject({ fragment: { executor: { kind: "processes", workers: 5 } }, why: null });
    expect(json.recommended?.standings[0]).toMatchObject({ bound: 73 * MS, meets: true, meetsMean: true });
    expect(json.rule).toEqual({ meetsAt: "confidence bound", confidence: 0.95 });
  });
});
