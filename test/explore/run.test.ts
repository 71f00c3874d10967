import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { applyKnob } from "../../src/explore/knobs.js";
import { p99WithWorkers, parseText, runScenario, sweepWorkers, workEstimate } from "../../src/explore/run.js";
import { simulate } from "../../src/model/simulate.js";
import { getPreset } from "../../src/scenario/presets.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import { run } from "../cli/run.js";
import { tempDir } from "../temp.js";

const dir = tempDir("gilsim-explore-run-");

/** What `gilsim check` says about `text` saved as scenario.json, with the path cut back to the file name. */
async function cliSays(text: string): Promise<string> {
  const path = join(dir, "scenario.json");
  writeFileSync(path, text);
  const r = await run("check", path);
  expect(r.code).toBe(2);
  return r.err.replaceAll(path, "scenario.json").trimEnd();
}

describe("parseText", () => {
  test.each([
    ['{"executor": {"kind": "threads", "workers": 0}, }'],
    [
      '{"executor": {"kind": "threads", "workers": 0}, "workload": {"arrivals": {"kind": "batch", "count": 1}, "classes": [{"steps": [{"cpu": "-2ms"}]}]}}',
    ],
    [
      '{"runtime": {"python": "3.12", "gil": "off"}, "executor": {"kind": "sync"}, "workload": {"arrivals": {"kind": "batch", "count": 1}, "classes": [{"steps": [{"offload": [{"cpu": "1ms"}]}]}]}}',
    ],
    ["[1, 2]"],
    [""],
  ])("parseText(%j) says what `gilsim check scenario.json` says, line for line", async (text) => {
    const parsed = parseText(text);
    if (parsed.state !== "invalid") throw new Error("expected an invalid scenario");
    expect(parsed.message).toBe(await cliSays(text));
  });

  test("parseText takes a preset's JSON", () => {
    const parsed = parseText(JSON.stringify(getPreset("web-api")));
    expect(parsed.state).toBe("ok");
  });
});

describe("runScenario", () => {
  test("runScenario gives the metrics simulate gives with the trace off, and the trace", () => {
    const s = parseScenario(getPreset("asyncio-offload"));
    const outcome = runScenario(s);
    expect(JSON.stringify(outcome.metrics)).toBe(JSON.stringify(simulate(s, { trace: false }).metrics));
    expect(outcome.trace.tasks.length).toBe(1000);
  });
});

describe("workEstimate", () => {
  test("workEstimate counts tasks times their steps, repeats included, and background steps to run.until", () => {
    expect(workEstimate(parseScenario(getPreset("web-api")))).toBe(10_000);
    expect(workEstimate(parseScenario(getPreset("convoy")))).toBe(400 + 5000);
    // 3/4 of tasks take 2 steps, 1/4 take 3 (the offload and its step).
    expect(workEstimate(parseScenario(getPreset("asyncio-offload")))).toBe(1000 * (0.75 * 2 + 0.25 * 3));
  });
});

describe("the sparkline's sweep", () => {
  test("sweepWorkers is the powers of two to 64 with the scenario's own count in order", () => {
    expect(sweepWorkers(4)).toEqual([1, 2, 4, 8, 16, 32, 64]);
    expect(sweepWorkers(12)).toEqual([1, 2, 4, 8, 12, 16, 32, 64]);
    expect(sweepWorkers(null)).toEqual([1, 2, 4, 8, 16, 32, 64]);
  });

  test("p99WithWorkers is the p99 of the scenario with the workers knob set", () => {
    const input = getPreset("threads-cpu");
    const s = parseScenario(input);
    const edited = parseScenario(applyKnob(input, s, { knob: "workers", value: 2 }));
    expect(p99WithWorkers(input, s, 2).p99).toBe(simulate(edited, { trace: false }).metrics.latency.p99);
  });
});
