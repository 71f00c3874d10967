import { statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { planTasks } from "../../src/model/plan.js";
import { comparisonOf } from "../../src/real/compare.js";
import { applyProfile, DEFAULT_PROFILE_PATH, readProfile } from "../../src/real/profile.js";
import { DATA_DIR, readRecording, recordedRuns } from "../../src/real/recording.js";
import { forPython, SUITE, suiteEntry } from "../../src/real/suite.js";
import { parseScenario } from "../../src/scenario/scenario.js";

describe("SUITE", () => {
  test("the suite has six target scenarios covering the issue's list, each a valid 2-core scenario", () => {
    expect(SUITE.filter((e) => e.target).map((e) => e.id)).toEqual([
      "io-asyncio",
      "cpu-threads",
      "gil-release",
      "convoy",
      "mixed",
      "process-pool",
    ]);
    expect(new Set(SUITE.map((e) => e.id)).size).toBe(SUITE.length);
    for (const e of SUITE) expect(parseScenario(e.input, e.id).machine.cores).toBe(2);
    expect(() => suiteEntry("nope")).toThrow(/^invalid suite scenario: "nope" \(expected one of io-asyncio, /);
  });

  test("forPython sets runtime.python to the interpreter's minor version when gilsim has that profile", () => {
    const input = suiteEntry("convoy").input;
    expect(forPython(input, "3.12.1").runtime?.python).toBe("3.12");
    expect(forPython(input, "3.8.18")).toBe(input);
  });
});

describe("recorded runs (data/validation)", () => {
  test("each recording is the suite's scenario, with every planned task measured in every run", () => {
    for (const e of SUITE) {
      const rec = readRecording(e.id);
      expect(rec.input).toEqual(forPython(e.input, rec.runs[0]!.python));
      const planned = planTasks(parseScenario(rec.input));
      for (const run of recordedRuns(rec)) {
        expect(run.trace.tasks.map((t) => t.id)).toEqual(planned.map((p) => p.id));
        // open arrivals are planned: the recorded ones are the plan's, to the microsecond
        run.trace.tasks.forEach((t, i) => {
          const at = planned[i]!.arrival;
          if (at !== null) expect(Math.abs(t.arrival - at)).toBeLessThanOrEqual(500);
          expect(t.end).toBeGreaterThanOrEqual(t.start);
        });
      }
    }
  });

  test("the recorded data stays small: a few hundred KB in all", () => {
    const total = [...SUITE.map((e) => join(DATA_DIR, `${e.id}.json`)), DEFAULT_PROFILE_PATH].reduce(
      (a, p) => a + statSync(p).size,
      0,
    );
    expect(total).toBeLessThan(400 * 1024);
  });

  test("simulated with the recorded machine profile, the suite meets its target: median |error| <= 5%, none above 15%", () => {
    const profile = readProfile(DEFAULT_PROFILE_PATH);
    const errors: number[] = [];
    for (const e of SUITE.filter((x) => x.target)) {
      const rec = readRecording(e.id);
      const s = parseScenario(applyProfile(rec.input, profile), e.id);
      const c = comparisonOf(s, s.seed, recordedRuns(rec), "machine profile");
      for (const key of ["makespan", "latency.p95"]) errors.push(Math.abs(c.rows.find((r) => r.key === key)!.error!));
    }
    const sorted = [...errors].sort((a, b) => a - b);
    const median = (sorted[5]! + sorted[6]!) / 2;
    expect(errors).toHaveLength(12);
    expect(median).toBeLessThanOrEqual(0.05);
    expect(Math.max(...errors)).toBeLessThanOrEqual(0.15);
  });

  test("a closed client with no think time keeps the GIL between requests: convoy-closed agrees with CPython", () => {
    // Before the client issued its next request at once, the model slept between requests and
    // waited a switch interval for the GIL: makespan +55%, p95 +78% against these runs.
    const rec = readRecording("convoy-closed");
    const s = parseScenario(applyProfile(rec.input, readProfile(DEFAULT_PROFILE_PATH)), "convoy-closed");
    const c = comparisonOf(s, s.seed, recordedRuns(rec), "machine profile");
    for (const key of ["makespan", "latency.p50", "latency.p95"]) {
      expect(Math.abs(c.rows.find((r) => r.key === key)!.error!), key).toBeLessThanOrEqual(0.15);
    }
  });
});
