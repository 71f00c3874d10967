import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { simulate } from "../../src/model/simulate.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import type { ScenarioInput } from "../../src/scenario/schema.js";
import type { Trace } from "../../src/trace/types.js";
import {
  checkTargets,
  ERROR_METRICS,
  evaluateRecord,
  groupBy,
  type MetricError,
  type MetricKey,
  noiseFloor,
  profileSource,
  type ScenarioResult,
  sessionDrift,
  summarize,
} from "../../src/validate/errors.js";
import { type RandomRecord, toRandomRecord } from "../../src/validate/record.js";
import { drawScenario } from "../../src/validate/space.js";
import { tempDir } from "../temp.js";

const dir = tempDir("gilsim-validate-errors-");

/** A machine profile that changes nothing: the "profile" simulation is then the defaults one. */
const EMPTY_PROFILE = join(dir, "empty-profile.json");
writeFileSync(
  EMPTY_PROFILE,
  JSON.stringify({
    format: 1,
    machine: { cores: 2, platform: "linux", cpu: null, kernel: null, slice: null },
    python: "3.11.7",
    created: "2026-01-01T00:00:00.000Z",
    runtime: {},
    measured: {},
  }),
);

/** Every time in a trace multiplied by `f`: a "real run" exactly f times slower than the simulation. */
function stretched(trace: Trace, f: number): Trace {
  const t = (x: number) => Math.round(x * f);
  return {
    ...trace,
    end: t(trace.end),
    intervals: trace.intervals.map((i) => ({ ...i, start: t(i.start), end: t(i.end) })),
    tasks: trace.tasks.map((k) => ({ ...k, arrival: t(k.arrival), start: t(k.start), end: t(k.end), steps: [] })),
    gil: [],
    markers: [],
    iterations: [],
  };
}

/** A record of the first scenario of seed 5 whose "real runs" are its own simulation stretched by each factor. */
function handMade(factors: number[]): RandomRecord {
  const drawn = drawScenario(5, 0);
  const input: ScenarioInput = { ...drawn.input, runtime: { python: drawn.version } };
  const s = parseScenario(input);
  const trace = simulate(s, { seed: s.seed, trace: true }).trace as Trace;
  const runs = factors.map((f) => ({
    trace: stretched(trace, f),
    metrics: undefined as never,
    busyBefore: 0,
    busyAfter: 0,
    warnings: [],
    python: "3.11.7",
  }));
  return toRandomRecord({ ...drawn, input }, runs, {
    machine: { cores: 2, platform: "linux", cpu: null, kernel: null },
    load: { before: [0, 0, 0], after: [0, 0, 0] },
    python: { version: "3.11.7", executable: "python3" },
    policy: "SCHED_OTHER",
    nice: 0,
    priority: 0,
  });
}

const error = (rows: readonly MetricError[], key: MetricKey) => (rows.find((r) => r.key === key) as MetricError).error;

// Each case simulates a scenario of a few hundred tasks several times: slow on a loaded machine.
describe("evaluateRecord", { timeout: 600_000 }, () => {
  const source = profileSource({ fixed: EMPTY_PROFILE });

  test("real runs that are the simulation itself give errors of about 0 (times kept to the microsecond)", () => {
    const r = evaluateRecord(handMade([1]), source);
    for (const { key } of ERROR_METRICS) {
      expect(Math.abs(error(r.errors.profile, key)), key).toBeLessThan(0.002);
      expect(Math.abs(error(r.errors.defaults, key)), key).toBeLessThan(0.002);
    }
  });

  test("real runs 1.2, 1.25 and 1.3 times slower: every time metric is 20% low, throughput 25% high", () => {
    const r = evaluateRecord(handMade([1.2, 1.25, 1.3]), source);
    for (const key of ["makespan", "latency.p50", "latency.p95", "latency.p99"] as const) {
      // sim / mean(1.2, 1.25, 1.3) x sim - 1 = 1 / 1.25 - 1; HDR quantiles are exact to 0.1%.
      expect(error(r.errors.profile, key), key).toBeCloseTo(-0.2, 2);
    }
    // The mean of the real throughputs: (1/1.2 + 1/1.25 + 1/1.3) / 3 of the simulated one.
    const mean = (1 / 1.2 + 1 / 1.25 + 1 / 1.3) / 3;
    expect(error(r.errors.profile, "throughput")).toBeCloseTo(1 / mean - 1, 2);
    const row = r.errors.profile.find((x) => x.key === "makespan") as MetricError;
    expect(row.real).toHaveLength(3);
    expect(row.min).toBeLessThan(row.max);
    // Makespans 1.2 to 1.3 times: 8% apart, not unsteady (the threshold is 10%).
    expect(r.unsteady).toBe(false);
    expect(evaluateRecord(handMade([1, 1.2]), source).unsteady).toBe(true);
  });

  test("is byte-identical run to run", () => {
    const rec = handMade([1.1, 1.3]);
    expect(JSON.stringify(evaluateRecord(rec, source))).toBe(JSON.stringify(evaluateRecord(rec, source)));
  });

  test("profileSource uses <dir>/<version>.json when it exists, else the fallback", () => {
    const profiles = join(dir, "profiles");
    const own = join(profiles, "3.12.json");
    mkdirSync(profiles, { recursive: true });
    writeFileSync(own, JSON.stringify({ ...JSON.parse(readFileSync(EMPTY_PROFILE, "utf8")), python: "3.12.1" }));
    const pick = profileSource({ dir: profiles, fallback: EMPTY_PROFILE, root: dir });
    expect(pick("3.12").label).toBe("/profiles/3.12.json");
    expect(pick("3.12").profile.python).toBe("3.12.1");
    expect(pick("3.9").label).toBe("/empty-profile.json");
  });

  test("a record's own session profile is used before any file, unless a fixed profile or sessions: false", () => {
    // A session profile that slows every CPU step's glue and every IO wake-up down a lot.
    const slow = {
      ...JSON.parse(readFileSync(EMPTY_PROFILE, "utf8")),
      runtime: { loopStepCost: "400us", threadHandoff: { dist: "constant", value: "300us" }, timerSlack: "500us" },
    };
    const rec = { ...handMade([1]), profile: slow };
    const fileSource = profileSource({ dir: join(dir, "none"), fallback: EMPTY_PROFILE, root: dir });
    const withSession = evaluateRecord(rec, fileSource);
    expect(withSession.profile).toBe("session");
    // The session profile moved the profile simulation off the real runs (its own defaults simulation).
    expect(error(withSession.errors.profile, "latency.p50")).toBeGreaterThan(0.05);
    expect(Math.abs(error(withSession.errors.defaults, "latency.p50"))).toBeLessThan(0.002);
    for (const other of [source, profileSource({ fallback: EMPTY_PROFILE, dir: join(dir, "none"), sessions: false })]) {
      const r = evaluateRecord(rec, other);
      expect(r.profile).not.toBe("session");
      expect(Math.abs(error(r.errors.profile, "latency.p50"))).toBeLessThan(0.002);
    }
  });
});

/** A result with the given signed error for every metric of both parameter sets. */
function result(id: string, family: string, errors: Partial<Record<MetricKey, number>>, fill = 0): ScenarioResult {
  const rows = ERROR_METRICS.map(({ key }) => ({
    key,
    simulated: 1 + (errors[key] ?? fill),
    real: [1],
    mean: 1,
    min: 1,
    max: 1,
    error: errors[key] ?? fill,
  }));
  return {
    id,
    family,
    limited: false,
    arrivals: "poisson",
    utilization: 0.5,
    version: "3.11",
    python: "3.11.7",
    profile: "p",
    unsteady: false,
    errors: { profile: rows, defaults: rows.map((r) => ({ ...r, error: r.error * 2 })) },
  };
}

/** A result whose real mean of every metric is `mean` (the simulated side does not matter here). */
function withMean(id: string, mean: number): ScenarioResult {
  const r = result(id, "threads", {});
  const rows = r.errors.profile.map((row) => ({ ...row, real: [mean], mean, min: mean, max: mean }));
  return { ...r, errors: { profile: rows, defaults: rows } };
}

describe("sessionDrift", () => {
  test("each scenario's earlier real mean against the current one, matched by id, per metric", () => {
    const earlier = [withMean("a", 1.2), withMean("b", 0.9), withMean("c", 3), withMean("gone", 5)];
    const current = [withMean("a", 1), withMean("b", 1), withMean("c", 1), withMean("new", 1)];
    const p99 = sessionDrift(earlier, current).find((r) => r.metric === "latency.p99");
    // a +20%, b -10%, c +200%; "gone" and "new" were recorded in one session only.
    expect(p99?.n).toBe(3);
    expect(p99?.medianSigned).toBeCloseTo(0.2, 12);
    expect(p99?.medianAbs).toBeCloseTo(0.2, 12);
    expect(p99?.within15).toBeCloseTo(1 / 3, 12);
    expect(p99?.worst).toEqual({ error: 2, id: "c" });
    expect(sessionDrift(current, current).every((r) => r.medianAbs === 0 && r.within15 === 1)).toBe(true);
  });
});

describe("summarize", () => {
  test("median |error|, share within 15%, mean signed and the worst, per metric and pooled", () => {
    const results = [
      result("a", "threads", { "latency.p99": -0.1 }),
      result("b", "threads", { "latency.p99": 0.02 }),
      result("c", "asyncio", { "latency.p99": 0.04 }),
      result("d", "asyncio", { "latency.p99": -0.3 }),
    ];
    const rows = summarize(results, "profile");
    const p99 = rows.find((r) => r.metric === "latency.p99");
    expect(p99?.n).toBe(4);
    expect(p99?.medianAbs).toBeCloseTo(0.07, 12); // |errors| sorted 0.02 0.04 0.1 0.3
    expect(p99?.within15).toBe(0.75);
    expect(p99?.meanSigned).toBeCloseTo(-0.085, 12);
    expect(p99?.worst).toEqual({ error: -0.3, id: "d" });
    const all = rows.find((r) => r.metric === "all");
    expect(all?.n).toBe(20);
    expect(all?.within15).toBe(19 / 20);
    expect(all?.medianAbs).toBe(0);
    // The defaults set doubles every error here.
    expect(summarize(results, "defaults").find((r) => r.metric === "latency.p99")?.meanSigned).toBeCloseTo(-0.17, 12);
  });

  test("groupBy keeps versions in numeric order (3.9 before 3.10) and names sorted", () => {
    const rs = ["3.10", "3.9", "3.13"].map((v, i) => ({
      ...result(`r${i}`, i === 0 ? "sync" : "asyncio", {}),
      version: v,
    }));
    expect(groupBy(rs, "version").map((g) => g.group)).toEqual(["3.9", "3.10", "3.13"]);
    expect(groupBy(rs, "family").map((g) => [g.group, g.results.length])).toEqual([
      ["asyncio", 2],
      ["sync", 1],
    ]);
  });
});

describe("noiseFloor", () => {
  test("each real run against the mean of the other runs of its scenario, pooled per metric", () => {
    const r = result("a", "sync", {});
    // Real p99s of 1, 2 and 3: 1 vs 2.5 (-60%), 2 vs 2 (0%), 3 vs 1.5 (+100%).
    r.errors.profile = r.errors.profile.map((e) => (e.key === "latency.p99" ? { ...e, real: [1, 2, 3] } : e));
    const p99 = noiseFloor([r]).find((x) => x.metric === "latency.p99");
    expect(p99?.n).toBe(3);
    expect(p99?.medianAbs).toBeCloseTo(0.6, 12);
    expect(p99?.meanSigned).toBeCloseTo((-0.6 + 0 + 1) / 3, 12);
    expect(p99?.worst).toEqual({ error: 1, id: "a" });
    // A metric with a single run has nothing to compare.
    expect(noiseFloor([r]).find((x) => x.metric === "makespan")?.n).toBe(0);
  });
});

describe("checkTargets", () => {
  test("met when percentiles are within 5% at the median, 90% within 15% and p99 unbiased", () => {
    const results = Array.from({ length: 10 }, (_, i) => result(`r${i}`, "threads", {}, i % 2 ? 0.04 : -0.04));
    const t = checkTargets(results);
    expect(t.map((x) => x.met)).toEqual([true, true, true, true, true, true]);
    expect(t.map((x) => x.target)).toEqual(["<= 5%", "<= 5%", "<= 5%", ">= 90%", "within ±3%", "<= 15%"]);
  });

  test("a p99 biased low by 4% fails only the bias target; 2 of 10 scenarios far off fail the 90% target", () => {
    const low = checkTargets(
      Array.from({ length: 10 }, (_, i) => result(`r${i}`, "threads", { "latency.p99": -0.04 })),
    );
    expect(low.filter((x) => !x.met).map((x) => x.name)).toEqual(["mean signed error of p99, machine profile"]);
    const far = checkTargets(
      // One 50% high, one 50% low: unbiased, but 2 in 10 outside 15%.
      Array.from({ length: 10 }, (_, i) => result(`r${i}`, "threads", {}, i === 0 ? 0.5 : i === 1 ? -0.5 : 0)),
    );
    expect(far.filter((x) => !x.met).map((x) => x.name)).toEqual(["scenario-metrics within 15%, machine profile"]);
  });

  test("the defaults target looks at the version defaults' errors, pooled over the five metrics", () => {
    const t = checkTargets(Array.from({ length: 4 }, (_, i) => result(`r${i}`, "sync", {}, 0.1)));
    // Profile errors 10% (percentile medians fail), defaults 20% (fails 15%).
    expect(t.find((x) => x.name.includes("version defaults"))?.value).toBeCloseTo(0.2, 12);
    expect(t.find((x) => x.name.includes("version defaults"))?.met).toBe(false);
  });
});
