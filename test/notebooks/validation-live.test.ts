import { describe, expect, test } from "vitest";
import { livePlan } from "../../notebooks/validation.js";
import { SECOND } from "../../src/engine/time.js";
import { simulate } from "../../src/model/simulate.js";
import { SUITE } from "../../src/real/suite.js";
import { parseScenario } from "../../src/scenario/scenario.js";

describe("validation --live", () => {
  test("says up front how long it will take, from the suite's makespans, and that it rewrites data/validation/", () => {
    const plan = livePlan(5);
    const makespans = SUITE.map((e) => simulate(parseScenario(e.input, e.id), { seed: 1 }).metrics.makespan / SECOND);
    // Calibration (5 s), then per run the tasks' makespan plus 2 s of start-up.
    expect(plan.seconds).toBeCloseTo(5 + makespans.reduce((a, m) => a + 5 * (m + 2), 0), 6);
    expect(plan.text).toMatch(
      new RegExp(
        `^validation --live: calibrates this machine, then runs ${SUITE.length} scenarios 5 times each in real CPython: about \\d+ (s|min) on a quiet machine`,
      ),
    );
    expect(plan.text).toContain("rewrites data/validation/machine-profile.json and data/validation/{");
    expect(plan.text).toContain(`${SUITE[0]?.id}`);
    expect(livePlan(10).seconds).toBeGreaterThan(plan.seconds);
  });
});
