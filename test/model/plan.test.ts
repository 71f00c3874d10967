import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { Random } from "../../src/engine/random.js";
import { drawSteps, flatSteps, planTasks, Samplers, TaskPlanner, UNROLL_MAX, unrolled } from "../../src/model/plan.js";
import { simulate } from "../../src/model/simulate.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import type { ScenarioInput } from "../../src/scenario/schema.js";
import { chromeTraceJson } from "../../src/trace/chrome.js";

/*
 * A repeat is run without unrolling it when it is long: its steps are drawn again, iteration by
 * iteration, from a copy of the random stream taken where the repeat began. The independent truth
 * here is the scenario with the repeat written out by hand: the same steps, drawn in the same
 * order from the same stream, so every duration, metric and trace byte must be the same.
 */

type StepInput = NonNullable<ScenarioInput["workload"]["classes"][number]["steps"]>[number];

/** The steps of `body` written out `times` times, as a person would without a repeat. */
function writtenOut(times: number, body: StepInput[]): StepInput[] {
  const out: StepInput[] = [];
  for (let i = 0; i < times; i++) out.push(...body);
  return out;
}

function scenarioWith(steps: StepInput[], executor: ScenarioInput["executor"] = { kind: "threads", workers: 3 }) {
  return parseScenario({
    seed: 5,
    machine: { cores: 2 },
    executor,
    workload: {
      arrivals: { kind: "poisson", rate: "2000/s", count: 6 },
      classes: [
        { name: "looped", steps },
        { name: "plain", steps: [{ cpu: { dist: "exponential", mean: "200us" } }] },
      ],
    },
  });
}

const body: StepInput[] = [
  { cpu: { dist: "exponential", mean: "20us" } },
  { io: { dist: "uniform", min: "10us", max: "40us" } },
  { cpu: { dist: "normal", mean: "5us", sd: "2us" }, gil: "hold" },
];

describe("a long repeat is kept compact and drawn again as it runs", () => {
  test("a repeat of 2 around a repeat of 200,000 plans in constant memory and runs its 400,000 steps", () => {
    const s = parseScenario({
      executor: { kind: "sync" },
      workload: {
        arrivals: { kind: "batch", count: 1 },
        classes: [{ steps: [{ repeat: 2, steps: [{ repeat: 200_000, steps: [{ cpu: "1us" }] }] }] }],
      },
    });
    const task = new TaskPlanner(s).next();
    expect(task?.steps).toHaveLength(1);
    expect(task?.steps[0]?.kind).toBe("repeat");
    let n = 0;
    for (const _ of flatSteps(task?.steps ?? [])) n++;
    expect(n).toBe(400_000);
    const result = simulate(s, { trace: false });
    expect(result.metrics.tasks.completed).toBe(1);
    expect(result.cpu.demand).toBe(400_000 * 1000);
  });

  test.each([
    ["threads", { kind: "threads", workers: 3 }],
    ["asyncio with an offload", { kind: "asyncio", offload: { kind: "threads", workers: 2 } }],
    ["processes", { kind: "processes", workers: 2 }],
  ] as const)(
    "simulate of a repeat of 700 equals the steps written out 700 times, byte for byte (%s)",
    (_, executor) => {
      const steps: StepInput[] =
        executor.kind === "asyncio" ? [...body, { offload: [{ cpu: "30us", gil: "release" }] }] : body;
      const looped = simulate(scenarioWith([{ cpu: "1us" }, { repeat: 700, steps }, { io: "50us" }], executor), {
        trace: true,
      });
      const written = simulate(scenarioWith([{ cpu: "1us" }, ...writtenOut(700, steps), { io: "50us" }], executor), {
        trace: true,
      });
      expect(700 * steps.length).toBeGreaterThan(UNROLL_MAX);
      expect(JSON.stringify(looped.metrics)).toBe(JSON.stringify(written.metrics));
      expect(chromeTraceJson(looped.trace!)).toBe(chromeTraceJson(written.trace!));
    },
  );

  test("planTasks unrolls compact repeats: the steps and durations of the written-out scenario", () => {
    const looped = planTasks(scenarioWith([{ repeat: 2, steps: [{ repeat: 600, steps: body }] }]));
    const written = planTasks(scenarioWith(writtenOut(1200, body)));
    expect(looped).toEqual(written);
  });

  test("drawSteps then flatSteps gives the same steps and durations as unrolling, for any nesting (property)", () => {
    const leaf = fc.constantFrom<StepInput>(
      { cpu: { dist: "exponential", mean: "3us" } },
      { io: "2us" },
      { block: { dist: "gamma", shape: 2, mean: "4us" } },
      { cpu: { dist: "normal", mean: "3us", sd: "1us" } },
    );
    // Up to three levels of repeats of up to 25, so that some (but not all) exceed UNROLL_MAX.
    const level = (inner: fc.Arbitrary<StepInput>): fc.Arbitrary<StepInput[]> =>
      fc.array(
        fc.oneof(
          inner,
          fc.record({
            repeat: fc.integer({ min: 1, max: 25 }),
            steps: fc.array(inner, { minLength: 1, maxLength: 3 }),
          }) as fc.Arbitrary<StepInput>,
        ),
        { minLength: 1, maxLength: 3 },
      );
    const nested = (inner: fc.Arbitrary<StepInput>) =>
      fc.record({ repeat: fc.integer({ min: 1, max: 25 }), steps: level(inner) }) as fc.Arbitrary<StepInput>;
    const steps = level(fc.oneof(leaf, nested(leaf)));
    fc.assert(
      fc.property(steps, fc.integer({ min: 0, max: 1000 }), (input, seed) => {
        const s = scenarioWith(input, { kind: "sync" });
        const cls = s.workload.classes[0]!;
        const samplers = new Samplers();
        // The truth: every repeat unrolled as it is drawn.
        const expected: string[] = [];
        const unroll = (list: typeof cls.steps, rng: Random): void => {
          for (const step of list) {
            if (step.kind === "repeat") {
              for (let i = 0; i < (step.times as number); i++) unroll(step.steps, rng);
            } else if ("duration" in step) expected.push(`${step.kind}:${samplers.draw(step.duration, rng)}`);
          }
        };
        const truthRng = new Random(seed, "s");
        unroll(cls.steps, truthRng);
        const rng = new Random(seed, "s");
        const planned = drawSteps(cls.steps, rng, samplers);
        const got = unrolled(planned).map((x) => `${x.kind}:${"ns" in x ? x.ns : ""}`);
        expect(got).toEqual(expected);
        // The stream is left where unrolling leaves it, so what comes next is drawn the same.
        expect(rng.next()).toBe(truthRng.next());
      }),
      { numRuns: 100, seed: 11 },
    );
  });
});
