import { describe, expect, test } from "vitest";
import { MS } from "../../src/engine/time.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import { mmcModel, mmcSojournQuantile } from "../../src/sweep/mmc-check.js";
import type { Evaluation, KindResult, Recommendation } from "../../src/sweep/recommend.js";
import { formatRecommendation, mmcLines, recommendationJson } from "../../src/sweep/recommend-report.js";
import { parseSlo, stand } from "../../src/sweep/slo.js";
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
  };
}

const rec: Recommendation = {
  base: scenario,
  replications: 3,
  maxWorkers: 8,
  ranked: [
    kind("processes", "process pool", 5, 72 * MS, { processes: 6, threads: 6 }),
    kind("asyncio", "asyncio loops", 7, 90 * MS, { processes: 7, threads: 7 }),
  ],
  failed: [kind("threads", "thread pool", null, 2000 * MS, null)],
};

describe("formatRecommendation", () => {
  test("formatRecommendation names the winner with its headroom, then every layout", () => {
    const text = formatRecommendation(rec, objectives, "300/s");
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toBe("target: p99<100ms at 300/s (Poisson), 3 replications per probe, up to 8 workers");
    expect(lines[1]).toBe("recommended: process pool with 5 workers (6 processes, 6 threads)");
    expect(lines[2]).toBe("  p99 72ms vs 100ms target: 28% headroom [95% CI 71ms to 73ms]");
    const predicted = mmcSojournQuantile(300, 100, 5, 0.99) * 1000;
    expect(lines[3]).toMatch(
      new RegExp(`^  Erlang C \\(M/M/5\\): p99 ${Number(predicted.toPrecision(3))}ms predicted vs 72ms simulated`),
    );
    expect(lines).toContain("  layout         size  processes  threads  margin");
    expect(lines).toContain("  process pool      5          6        6     28%");
    expect(lines).toContain("  asyncio loops     7          7        7     10%");
    expect(lines.at(-1)).toBe(
      "thread pool: no size up to 8 meets the target (at 8: p99 2s vs 100ms target: misses by 1900%)",
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
    expect(json.failed[0]).toMatchObject({ layout: "threads", workers: null });
  });
});
