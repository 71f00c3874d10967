/*
 * recommend's model-error allowance (src/sweep/model-error.ts) is the median signed error of p50,
 * p95 and p99 on the development random set (seed 1) over every recorded session, recomputed here
 * from the recorded real runs with the current model: a model change that moves a median fails this test until the constants
 * follow it. (The held-out set checks the allowance out of sample: test/validate/targets.test.ts.)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { MEDIAN_SIGNED_ERROR, MODEL_ERROR_SOURCE } from "../../src/sweep/model-error.js";
import { evaluateRecord, median, profileSource } from "../../src/validate/errors.js";
import { RANDOM_EARLIER_SESSIONS, RANDOM_SETS, readSessions } from "../../src/validate/record.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

describe("the model-error allowance", () => {
  test("is the development set's median signed error of p50, p95 and p99, with either parameter set", {
    timeout: 600_000,
  }, () => {
    expect(MODEL_ERROR_SOURCE.set).toBe(`seed-${RANDOM_SETS.development.seed}`);
    const source = profileSource();
    const sessions = readSessions(RANDOM_SETS.development.seed);
    expect(sessions).toHaveLength(MODEL_ERROR_SOURCE.sessions.length);
    expect(RANDOM_EARLIER_SESSIONS.map((s) => s.date)).toEqual(MODEL_ERROR_SOURCE.sessions.slice(0, -1));
    for (const s of sessions) expect(s.records, s.dir).toHaveLength(MODEL_ERROR_SOURCE.scenarios);
    // The folders the report names are those sessions' folders of this set, in the same order.
    expect(MODEL_ERROR_SOURCE.folders.map((f) => join(ROOT, f))).toEqual(
      sessions.map((s) => join(s.dir, `seed-${RANDOM_SETS.development.seed}`)),
    );
    // The current session is the date its records give.
    const current = MODEL_ERROR_SOURCE.sessions.at(-1) ?? "";
    // (Its process pools were recorded again on the date in brackets, after a fix to the harness.)
    const again = /process pools (\d{4}-\d\d-\d\d)/.exec(current)?.[1];
    const dated = (r: { recorded: string; drawn: { family: string } }) =>
      again !== undefined && r.drawn.family.includes("processes")
        ? r.recorded.startsWith(again)
        : r.recorded.startsWith(current.slice(0, 10));
    expect(sessions.at(-1)?.records.every(dated)).toBe(true);
    const results = sessions.flatMap((s) => s.records.map((r) => evaluateRecord(r, source)));
    for (const params of ["defaults", "profile"] as const) {
      for (const [key, stored] of Object.entries(MEDIAN_SIGNED_ERROR[params])) {
        const errors = results.map((r) => r.errors[params].find((e) => e.key === key)?.error ?? Number.NaN);
        expect(errors.every(Number.isFinite), `${params} ${key}`).toBe(true);
        // Stored to 4 decimals: a model change that moves a median by 0.005 points fails here.
        expect(Math.abs(median(errors) - stored), `${params} ${key}: ${median(errors)} against ${stored}`).toBeLessThan(
          5e-5,
        );
      }
    }
  });

  test("the README states the allowance's medians as they are", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8").replace(/\s+/g, " ");
    const three = (params: "defaults" | "profile") => {
      const [a, b, c] = (["latency.p50", "latency.p95", "latency.p99"] as const).map(
        (k) => `${(Math.abs(MEDIAN_SIGNED_ERROR[params][k]) * 100).toFixed(1)}%`,
      );
      return `${a}, ${b} and ${c}`;
    };
    expect(readme).toContain(`the simulated p50, p95 and p99 came out ${three("defaults")} below the measured ones`);
    expect(readme).toContain(`(${three("profile")} with \`--profile\``);
    expect(readme).toContain(
      `On the ${MODEL_ERROR_SOURCE.scenarios} random scenarios of the development set, recorded in real CPython in ${MODEL_ERROR_SOURCE.sessions.length} sessions`,
    );
  });
});
