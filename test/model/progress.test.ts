import { describe, expect, test } from "vitest";
import { replicate } from "../../src/metrics/replicate.js";
import { PROGRESS_EVERY } from "../../src/model/recorder.js";
import { simulate } from "../../src/model/simulate.js";
import { parseScenario } from "../../src/scenario/scenario.js";

/** 10,000 IO-bound tasks on asyncio: two and a half progress reports a run. */
const scenario = parseScenario({
  name: "progress",
  seed: 4,
  executor: { kind: "asyncio" },
  workload: {
    arrivals: { kind: "poisson", rate: "5000/s", count: 10_000 },
    classes: [{ steps: [{ cpu: "20us" }, { io: { dist: "exponential", mean: "5ms" } }] }],
  },
});

describe("progress of a run", () => {
  test("simulate reports every PROGRESS_EVERY finished tasks and at the end, and reporting changes no metric", () => {
    const seen: number[] = [];
    const watched = simulate(scenario, { trace: false, progress: (done) => seen.push(done) });
    expect(PROGRESS_EVERY).toBe(4096);
    expect(seen).toEqual([4096, 8192, 10_000]);
    expect(JSON.stringify(watched.metrics)).toBe(JSON.stringify(simulate(scenario, { trace: false }).metrics));
  });

  test("replicate reports each run by its index, and the summary is the same as without", () => {
    const seen: string[] = [];
    const rep = replicate(scenario, { replications: 3, progress: (k, done) => seen.push(`${k}:${done}`) });
    expect(seen).toEqual(["0:4096", "0:8192", "0:10000", "1:4096", "1:8192", "1:10000", "2:4096", "2:8192", "2:10000"]);
    expect(rep.summary).toEqual(replicate(scenario, { replications: 3 }).summary);
  });
});
