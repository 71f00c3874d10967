import { statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { planTasks } from "../../src/model/plan.js";
import { comparisonOf } from "../../src/real/compare.js";
import { applyProfile, DEFAULT_PROFILE_PATH, readProfile } from "../../src/real/profile.js";
import { DATA_DIR, readRecording, recordedRuns } from "../../src/real/recording.js";
import { forPython, SUITE, SUITE_KNOWN_GAPS, suiteEntry } from "../../src/real/suite.js";
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
        run.trace.tasks.forEach((t, i) => {
          const at = planned[i]!.arrival;
          // recorded when the arrivals process sent it: at or after its plan, late by its sleep
          // overshoot, or by up to several ms when it waits for one of the 2 cores beside a
          // CPU-bound thread (6 ms for convoy's first arrival)
          if (at !== null) {
            expect(t.arrival).toBeGreaterThanOrEqual(at);
            expect(t.arrival - at).toBeLessThanOrEqual(10_000_000);
          }
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

  test("simulated with the recorded machine profile, the suite meets its target: median |error| <= 5%, none above 15% but the listed known gaps", () => {
    const profile = readProfile(DEFAULT_PROFILE_PATH);
    const errors: number[] = [];
    const over: string[] = [];
    for (const e of SUITE.filter((x) => x.target)) {
      const rec = readRecording(e.id);
      const s = parseScenario(applyProfile(rec.input, profile), e.id);
      const c = comparisonOf(s, s.seed, recordedRuns(rec), "machine profile");
      for (const key of ["makespan", "latency.p95"]) {
        const error = c.rows.find((r) => r.key === key)!.error!;
        errors.push(Math.abs(error));
        if (Math.abs(error) > 0.15) over.push(`${e.id} ${key} ${(error * 100).toFixed(1)}%`);
        const gap = SUITE_KNOWN_GAPS[e.id];
        if (gap?.metric === key) {
          // a listed gap still misses, on the same side, and has not grown by more than 10 points
          expect(Math.abs(error), `${e.id} ${key} is listed as a known gap but passes`).toBeGreaterThan(0.15);
          expect(Math.sign(error), `${e.id} ${key}: sign`).toBe(Math.sign(gap.error));
          expect(Math.abs(error - gap.error), `${e.id} ${key}: ${error} against ${gap.error} listed`).toBeLessThan(0.1);
        }
      }
    }
    const sorted = [...errors].sort((a, b) => a - b);
    const median = (sorted[5]! + sorted[6]!) / 2;
    expect(errors).toHaveLength(12);
    expect(median).toBeLessThanOrEqual(0.05);
    const listed = Object.entries(SUITE_KNOWN_GAPS).map(([id, g]) => `${id} ${g.metric}`);
    expect(over.map((o) => o.split(" ").slice(0, 2).join(" "))).toEqual(listed);
  });

  test("a closed client with no think time keeps the GIL between requests: convoy-closed's makespan and p50 agree with CPython within 15%", () => {
    // Before the client issued its next request at once, the model slept between requests and
    // waited a switch interval for the GIL: makespan +55%, p95 +78% against these runs.
    const rec = readRecording("convoy-closed");
    const s = parseScenario(applyProfile(rec.input, readProfile(DEFAULT_PROFILE_PATH)), "convoy-closed");
    const c = comparisonOf(s, s.seed, recordedRuns(rec), "machine profile");
    // (Its p95 was 25% low against the recordings of 2026-11-29, before the harness froze its own
    // objects out of the garbage collector; 2.7% low against those of 2026-11-30.)
    for (const key of ["makespan", "latency.p50"]) {
      expect(Math.abs(c.rows.find((r) => r.key === key)!.error!), key).toBeLessThanOrEqual(0.15);
    }
  });
});
