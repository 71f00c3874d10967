import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { simulate } from "../../src/model/simulate.js";
import { getPreset } from "../../src/scenario/presets.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import { readTraceFile, TraceWriter, traceFile } from "../../src/trace/stream.js";

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "gilsim-stream-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("simulate with traceSink: traceFile(path)", () => {
  for (const name of ["convoy", "asyncio-offload", "process-pool"]) {
    it(`streams the same trace ${name} records in memory, and the same metrics`, () => {
      const scenario = parseScenario(getPreset(name));
      const path = join(tempDir(), "run.jsonl");
      const inMemory = simulate(scenario, { trace: true });
      const streamed = simulate(scenario, { traceSink: traceFile(path) });
      expect(streamed.trace).toBeNull();
      expect(JSON.stringify(streamed.metrics)).toBe(JSON.stringify(inMemory.metrics));
      expect(readTraceFile(path)).toEqual(inMemory.trace);
    });
  }

  it("leaves no file behind when the writer is aborted, and no temporary file after a good run", () => {
    const dir = tempDir();
    const w = new TraceWriter(join(dir, "x.jsonl"), { scenario: "s", seed: 1, cores: 2 });
    w.interval(0, "gil", 0, 10);
    w.abort();
    expect(readdirSync(dir)).toEqual([]);
    simulate(parseScenario(getPreset("convoy")), { traceSink: traceFile(join(dir, "y.jsonl")) });
    expect(readdirSync(dir)).toEqual(["y.jsonl"]);
  });

  it("rejects a file that is not a finished gilsim trace, naming it", () => {
    const dir = tempDir();
    const path = join(dir, "cut.jsonl");
    const w = new TraceWriter(path, { scenario: "s", seed: 1, cores: 2 });
    w.close(5);
    expect(readTraceFile(path).end).toBe(5);
    expect(existsSync(path)).toBe(true);
    expect(() => readTraceFile(join(import.meta.dirname, "stream.test.ts"))).toThrow(
      /invalid trace file: .*stream\.test\.ts/,
    );
  });
});
