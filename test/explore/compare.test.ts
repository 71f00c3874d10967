import { describe, expect, test } from "vitest";
import { formatDuration } from "../../src/engine/time.js";
import { compareSentence, knobDifferences } from "../../src/explore/compare.js";
import { applyKnob, type KnobChange, readKnobs } from "../../src/explore/knobs.js";
import { simulate } from "../../src/model/simulate.js";
import { getPreset } from "../../src/scenario/presets.js";
import { parseScenario } from "../../src/scenario/scenario.js";

function config(input: unknown) {
  const s = parseScenario(input);
  return { knobs: readKnobs(s), metrics: simulate(s, { trace: false }).metrics };
}

function edit(name: string, ...changes: KnobChange[]): unknown {
  let input: unknown = getPreset(name);
  for (const c of changes) input = applyKnob(input, parseScenario(input), c);
  return input;
}

describe("knobDifferences", () => {
  test("knobDifferences names each knob that differs, B's value first, and nothing when they agree", () => {
    const a = readKnobs(parseScenario(getPreset("threads-cpu")));
    expect(knobDifferences(a, a)).toEqual([]);
    const b = readKnobs(
      parseScenario(edit("threads-cpu", { knob: "python", value: "3.13t" }, { knob: "cores", value: 8 })),
    );
    expect(knobDifferences(a, b)).toEqual([
      "python 3.13t instead of 3.12",
      "GIL off instead of on",
      "8 cores instead of 4",
    ]);
  });

  test("a knob that applies to one side only is not compared (a rate against a batch)", () => {
    const a = readKnobs(parseScenario(getPreset("threads-cpu")));
    const b = readKnobs(parseScenario(edit("threads-cpu", { knob: "arrivals", value: "poisson" })));
    expect(knobDifferences(a, b)).toEqual(["poisson arrivals instead of batch"]);
  });
});

describe("compareSentence", () => {
  test("compareSentence states p99 and throughput from A to B with the factor, in the CLI's units", () => {
    const a = config(getPreset("threads-cpu"));
    const b = config(edit("threads-cpu", { knob: "python", value: "3.13t" }));
    const sentence = compareSentence(a, b);
    // A's p99 in the CLI's units, from the model as it is (not a figure copied from one version).
    const p99 = formatDuration(a.metrics.latency.p99).replace(".", "\\.");
    expect(sentence).toMatch(
      new RegExp(
        `^B \\(python 3\\.13t instead of 3\\.12; GIL off instead of on\\) cuts p99 from ${p99} to \\d+(\\.\\d+)?ms \\([\\d.]+× lower\\), and raises throughput from [\\d.]+ tasks/s to [\\d.]+ tasks/s \\([\\d.]+× higher\\)\\.$`,
      ),
    );
    expect(compareSentence(a, a)).toMatch(
      new RegExp(`^B, the same configuration, leaves p99 at ${p99}, and leaves throughput at [\\d.]+ tasks/s\\.$`),
    );
  });
});
