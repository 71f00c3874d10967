/*
 * The accuracy targets of issue 11 on the held-out random scenarios (seed 2), recomputed from the
 * recorded real runs with the current model. The model does not meet all of them yet: STANDING
 * holds each target's value as it stands (the recording of 2026-12-01 11:17 UTC on a quiet 2-core machine, its
 * process pools recorded again on 2026-12-02 11:35 UTC after two fixes to the harness; each
 * scenario simulated with the machine profile measured in its own session).
 * A target met must stay met; one missed must not get worse by more than two points, and a test
 * fails when a missed one is met, so that STANDING (and the README) follow the model.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { MEDIAN_SIGNED_ERROR, MODEL_ERROR_SOURCE } from "../../src/sweep/model-error.js";
import { checkTargets, evaluateRecord, median, profileSource, type ScenarioResult } from "../../src/validate/errors.js";
import { RANDOM_DATA_DIR, RANDOM_SETS, readSessions, readSet } from "../../src/validate/record.js";

/** Each target's value on the held-out set as it stands, and whether it is met. */
const STANDING: readonly { name: string; value: number; met: boolean; better: "lower" | "higher" | "nearer-zero" }[] = [
  { name: "median |error| of p50, machine profile", value: 0.029, met: true, better: "lower" },
  { name: "median |error| of p95, machine profile", value: 0.033, met: true, better: "lower" },
  { name: "median |error| of p99, machine profile", value: 0.048, met: true, better: "lower" },
  { name: "scenario-metrics within 15%, machine profile", value: 0.88, met: false, better: "higher" },
  { name: "mean signed error of p99, machine profile", value: -0.033, met: false, better: "nearer-zero" },
  { name: "median |error| of all metrics, version defaults", value: 0.017, met: true, better: "lower" },
];

let results: ScenarioResult[] | null = null;
let pooled: ScenarioResult[] | null = null;
/** The held-out set in every recorded session (the earlier ones with data/profiles). */
function heldOutSessions(): ScenarioResult[] {
  if (pooled === null) {
    const source = profileSource();
    pooled = readSessions(RANDOM_SETS.heldOut.seed).flatMap((s) => s.records.map((r) => evaluateRecord(r, source)));
  }
  return pooled;
}
function heldOut(): ScenarioResult[] {
  if (results === null) {
    const source = profileSource();
    results = [...readSet(RANDOM_DATA_DIR, RANDOM_SETS.heldOut.seed).values()].map((r) => evaluateRecord(r, source));
  }
  return results;
}

describe("random-scenario targets on the held-out set (seed 2)", () => {
  test("the held-out set is all there: 60 scenarios", { timeout: 600_000 }, () => {
    expect(heldOut()).toHaveLength(RANDOM_SETS.heldOut.count);
  });

  for (const [i, standing] of STANDING.entries()) {
    test(`target: ${standing.name} (${standing.met ? "met" : "not met yet"})`, { timeout: 600_000 }, () => {
      const t = checkTargets(heldOut())[i];
      expect(t?.name).toBe(standing.name);
      const now = t?.value ?? Number.NaN;
      expect(t?.met, `${standing.name}: ${now} (needed ${t?.target}); update STANDING when a target is met`).toBe(
        standing.met,
      );
      const worse =
        standing.better === "lower"
          ? now - standing.value
          : standing.better === "higher"
            ? standing.value - now
            : Math.abs(now) - Math.abs(standing.value);
      expect(worse, `${standing.name}: ${now} against ${standing.value} standing`).toBeLessThanOrEqual(0.02);
    });
  }

  test("recommend's model-error allowance, fitted on the development set, removes the median p99 bias out of sample here", {
    timeout: 600_000,
  }, () => {
    expect(MODEL_ERROR_SOURCE.set).toBe("seed-1");
    // Every session of the held-out set, as the allowance pools every session of the development set.
    const all = heldOutSessions();
    expect(all).toHaveLength(RANDOM_SETS.heldOut.count * MODEL_ERROR_SOURCE.sessions.length);
    for (const params of ["defaults", "profile"] as const) {
      const fitted = MEDIAN_SIGNED_ERROR[params]["latency.p99"];
      const raw = all.map((r) => r.errors[params].find((e) => e.key === "latency.p99")?.error ?? Number.NaN);
      // The simulated p99 divided by (1 + the development set's median error), against the real one.
      const corrected = raw.map((e) => (1 + e) / (1 + fitted) - 1);
      expect(Math.abs(median(corrected)), `${params}: ${median(corrected)}`).toBeLessThan(0.03);
      expect(Math.abs(median(corrected)), `${params}: nearer zero than ${median(raw)}`).toBeLessThan(
        Math.abs(median(raw)),
      );
    }
  });

  test("the README's accuracy paragraph and the allowance's check (README, docs/model.md) state this set's figures", {
    timeout: 600_000,
  }, () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8").replace(/\s+/g, " ");
    const signed = (x: number) => `${x < 0 ? "−" : x > 0 ? "+" : ""}${(Math.abs(x) * 100).toFixed(1)}%`;
    const meanOf = (params: "defaults" | "profile", key: string) => {
      const errors = heldOut().map((r) => r.errors[params].find((e) => e.key === key)?.error ?? Number.NaN);
      return errors.reduce((a, b) => a + b, 0) / errors.length;
    };
    const three = (params: "defaults" | "profile") =>
      ["latency.p50", "latency.p95", "latency.p99"].map((k) => signed(meanOf(params, k)));
    const [d50, d95, d99] = three("defaults");
    const [p50, p95, p99] = three("profile");
    expect(readme).toContain(
      `(mean signed error ${d50}, ${d95} and ${d99}; ${p50}, ${p95} and ${p99} with a machine profile`,
    );
    // The allowance's out-of-sample check: the held-out median p99 error before and after.
    const medianP99 = (params: "defaults" | "profile") =>
      median(heldOutSessions().map((r) => r.errors[params].find((e) => e.key === "latency.p99")?.error ?? Number.NaN));
    const correctedP99 = (params: "defaults" | "profile") =>
      median(
        heldOutSessions().map(
          (r) =>
            (1 + (r.errors[params].find((e) => e.key === "latency.p99")?.error ?? Number.NaN)) /
              (1 + MEDIAN_SIGNED_ERROR[params]["latency.p99"]) -
            1,
        ),
      );
    const text = (x: number) => (Math.abs(x) < 0.0005 ? "0.0%" : signed(x));
    expect(readme).toContain(
      `${text(medianP99("defaults"))} to ${text(correctedP99("defaults"))} (${text(medianP99("profile"))} to ${text(correctedP99("profile"))} with a profile)`,
    );
    const model = readFileSync(new URL("../../docs/model.md", import.meta.url), "utf8").replace(/\s+/g, " ");
    expect(model).toContain(
      `from ${text(medianP99("defaults"))} to ${text(correctedP99("defaults"))} (defaults) and from ${text(medianP99("profile"))} to ${text(correctedP99("profile"))} (profile)`,
    );
  });
});
