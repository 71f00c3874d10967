import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { simulate } from "../../src/model/simulate.js";
import { readRecording, recordedRuns, recordingPath, toRecording, writeRecording } from "../../src/real/recording.js";
import { suiteEntry } from "../../src/real/suite.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import type { Trace } from "../../src/trace/types.js";
import { tempDir } from "../temp.js";

const dir = tempDir("gilsim-recording-");

describe("recordings", () => {
  test("writeRecording then readRecording gives back the same runs (one run per line, atomically)", async () => {
    const e = suiteEntry("cpu-threads");
    const s = parseScenario(e.input);
    const trace = simulate(s, { trace: true }).trace as Trace;
    const rec = toRecording(
      e.id,
      e.input,
      [{ trace, metrics: null as never, busyBefore: 0.0123, busyAfter: null, warnings: [], python: "3.11.7" }],
      null,
      new Date(0),
    );
    await writeRecording(rec, dir);
    const back = readRecording(e.id, dir);
    expect(back).toEqual(rec);
    expect(back.runs[0]!.busyBefore).toBe(0.012);
    expect(
      readFileSync(join(dir, "cpu-threads.json"), "utf8")
        .split("\n")
        .filter((l) => l.startsWith("  {")).length,
    ).toBe(1);
    expect(() => readRecording("convoy", dir)).toThrow(
      /^cannot read the recorded runs .*convoy\.json \(ENOENT\); record them with --live$/,
    );
  });

  test("recordedRuns expands the first run with its timeline and the others with one tile per state", () => {
    const e = suiteEntry("cpu-threads");
    const trace = simulate(parseScenario(e.input), { trace: true }).trace as Trace;
    const run = { trace, metrics: null as never, busyBefore: null, busyAfter: null, warnings: [], python: "3.11.7" };
    const [first, second] = recordedRuns(toRecording(e.id, e.input, [run, run], -20));
    expect(first!.trace.intervals.length).toBeGreaterThan(second!.trace.intervals.length);
    const states = (t: Trace, thread: number) => t.intervals.filter((i) => i.thread === thread).map((i) => i.state);
    for (const th of second!.trace.threads)
      expect(new Set(states(second!.trace, th.id)).size).toBe(states(second!.trace, th.id).length);
    expect(recordingPath("x", "/d")).toBe("/d/x.json");
  });
});
