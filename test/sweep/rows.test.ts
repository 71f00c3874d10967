import { describe, expect, test } from "vitest";
import { parseScenario } from "../../src/scenario/scenario.js";
import { evaluate, type Outcome } from "../../src/sweep/evaluate.js";
import { partRow, wholeRow } from "../../src/sweep/rows.js";
import { tinyScenario } from "./fixtures.js";

function outcome(run: Record<string, unknown>, seed: number, replications: number): Outcome {
  const result = evaluate({ id: 0, scenario: parseScenario({ ...tinyScenario(), run }), seed, replications });
  if (result.state !== "done") throw new Error(result.error);
  return result.outcome;
}

const id = { index: 0, key: "k", seed: 5, replications: 3, values: { "executor.workers": 2 } };

describe("wholeRow", () => {
  test("wholeRow counts the cut-short replications of all its parts, the same as one piece", () => {
    // run.until 50 ms stops every run with arrivals still to come (see evaluate.test.ts).
    const cut = { until: "50ms" };
    const one = outcome(cut, 5, 3);
    const a = outcome(cut, 5, 2);
    const b = outcome(cut, 7, 1);
    const whole = wholeRow(id, [{ from: 0, to: 3, ...one }], 0.95);
    expect(whole.truncated).toBe(3);
    const joined = wholeRow(
      id,
      [
        { from: 0, to: 2, ...a },
        { from: 2, to: 3, ...b },
      ],
      0.95,
    );
    expect(JSON.stringify(joined)).toBe(JSON.stringify(whole));
    // A part row carries its count to the merge.
    expect(partRow(id, { from: 0, to: 2, ...a }, 0.95).truncated).toBe(2);
  });

  test("wholeRow writes no truncated field when every run finished, so such rows keep their bytes", () => {
    const row = wholeRow(id, [{ from: 0, to: 3, ...outcome({}, 5, 3) }], 0.95);
    expect("truncated" in row).toBe(false);
    expect(JSON.stringify(row)).not.toContain("truncated");
  });
});
