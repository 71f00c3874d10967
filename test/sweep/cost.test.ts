import { describe, expect, test } from "vitest";
import { parseScenario } from "../../src/scenario/scenario.js";
import { runCost, stepCount } from "../../src/sweep/cost.js";
import { tinyScenario } from "./fixtures.js";

describe("runCost", () => {
  test("stepCount multiplies repeats out and counts an offload with its steps", () => {
    const scenario = parseScenario({
      ...tinyScenario(),
      executor: { kind: "asyncio" },
      workload: {
        arrivals: { kind: "batch", count: 10 },
        classes: [{ steps: [{ repeat: 3, steps: [{ cpu: "1ms" }, { io: "1ms" }] }, { offload: [{ cpu: "1ms" }] }] }],
      },
    });
    expect(stepCount(scenario.workload.classes[0]?.steps ?? [])).toBe(3 * 2 + 1 + 1);
    expect(runCost(scenario)).toBe(10 * 8);
  });

  test("runCost weighs the task classes as arrivals draw them", () => {
    const scenario = parseScenario({
      ...tinyScenario(),
      workload: {
        arrivals: { kind: "batch", count: 100 },
        classes: [
          { name: "short", weight: 3, steps: [{ cpu: "1ms" }] },
          { name: "long", weight: 1, steps: [{ repeat: 5, steps: [{ cpu: "1ms" }] }] },
        ],
      },
    });
    expect(runCost(scenario)).toBe(100 * ((3 * 1 + 1 * 5) / 4));
  });
});
