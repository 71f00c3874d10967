import { describe, expect, test } from "vitest";
import { MS } from "../../src/engine/time.js";
import { FOREVER_DRAWS, planBackground } from "../../src/real/background.js";
import { scenario } from "../../src/scenario/scenario.js";
import type { ScenarioInput } from "../../src/scenario/schema.js";

const base = (background: ScenarioInput["background"]) =>
  scenario({
    seed: 5,
    executor: { kind: "threads", workers: 2 },
    workload: { arrivals: { kind: "batch", count: 1 }, classes: [{ steps: [{ cpu: "1ms" }] }] },
    background,
    run: { until: "1s" },
  });

describe("planBackground", () => {
  test("planBackground unrolls counted repeats and draws FOREVER_DRAWS iterations of a forever loop", () => {
    const plan = planBackground(
      base([
        {
          name: "cruncher",
          steps: [
            { repeat: 2, steps: [{ io: "1ms" }] },
            { repeat: "forever", steps: [{ cpu: "50ms" }, { cpu: "3ms", gil: "release" }] },
          ],
        },
      ]),
    );
    expect(plan).toHaveLength(1);
    const [a, b, forever] = plan[0]!.steps;
    expect(plan[0]!.name).toBe("cruncher");
    expect(a).toEqual({ kind: "io", ns: MS });
    expect(b).toEqual({ kind: "io", ns: MS });
    expect(forever?.kind).toBe("forever");
    if (forever?.kind !== "forever") return;
    expect(forever.iterations).toHaveLength(FOREVER_DRAWS);
    for (const it of forever.iterations) {
      expect(it).toEqual([
        { kind: "cpu", ns: 50 * MS, gil: "python" },
        { kind: "cpu", ns: 3 * MS, gil: "release" },
      ]);
    }
  });

  test("planBackground draws random durations from its own stream: same seed same steps, other threads unchanged", () => {
    const noisy = {
      name: "noisy",
      steps: [{ repeat: "forever" as const, steps: [{ cpu: { dist: "exponential" as const, mean: "2ms" } }] }],
    };
    const one = planBackground(base([noisy]));
    const again = planBackground(base([noisy]));
    const two = planBackground(base([noisy, { name: "other", steps: [{ io: "1ms" }] }]));
    expect(again).toEqual(one);
    expect(two[0]).toEqual(one[0]);
    const first = one[0]!.steps[0];
    if (first?.kind !== "forever") throw new Error("expected a forever loop");
    const durations = first.iterations.map((it) => (it[0]?.kind === "cpu" ? it[0].ns : -1));
    expect(new Set(durations).size).toBeGreaterThan(FOREVER_DRAWS / 2);
    expect(durations.every((d) => d >= 0)).toBe(true);
  });

  test("planBackground draws fewer iterations when a forever loop's body is long", () => {
    const plan = planBackground(
      base([{ name: "long", steps: [{ repeat: "forever", steps: [{ repeat: 1000, steps: [{ cpu: "1us" }] }] }] }]),
    );
    const forever = plan[0]!.steps[0];
    if (forever?.kind !== "forever") throw new Error("expected a forever loop");
    expect(forever.iterations).toHaveLength(10);
    expect(forever.iterations[0]).toHaveLength(1000);
  });
});
