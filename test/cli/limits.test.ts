import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parseMaxEvents, parseMaxMemory } from "../../src/cli/limit-options.js";
import { tempDir } from "../temp.js";
import { run } from "./run.js";

const dir = tempDir("gilsim-limits-");

function scenarioFile(name: string, input: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(input));
  return path;
}

const huge = {
  executor: { kind: "sync" },
  workload: {
    arrivals: { kind: "poisson", rate: "1/ms", count: 1_000_000 },
    classes: [{ steps: [{ repeat: 100_000, steps: [{ cpu: "1ns" }] }] }],
  },
};

describe("a run too long or too big for this machine", () => {
  test("simulate refuses a run of 1e11 steps with one line naming the file, and --max-events runs part of it", async () => {
    const path = scenarioFile("huge.json", huge);
    const refused = await run("simulate", path);
    expect(refused.code).toBe(2);
    expect(refused.err.split("\n").filter(Boolean)).toEqual([
      expect.stringMatching(
        new RegExp(`^${path}: the run takes about 1\\.0e11 steps .* pass --max-events N to run part of it$`),
      ),
    ]);
    const part = await run("simulate", path, "--max-events", "2e4");
    expect(part.code).toBe(0);
    expect(part.out).toMatch(/\n {2}stopped at --max-events 20000 with 0 of 1000000 tasks finished\n/);
  });

  test("simulate refuses a batch of 10 million tasks at time zero with one line and the reason", async () => {
    const path = scenarioFile("batch.json", {
      ...huge,
      workload: { ...huge.workload, arrivals: { kind: "batch", count: 1e7 }, classes: [{ steps: [{ io: "1ms" }] }] },
    });
    const r = await run("simulate", path);
    expect(r).toEqual({
      code: 2,
      out: "",
      err: `${path}: a batch of 10,000,000 tasks at time 0 keeps every task in memory at once: about 11 GB, more than the ${"x"} GB this run may use (use poisson or fixed arrivals, which hold only the tasks in flight, or fewer tasks)\n`.replace(
        /the x GB/,
        (r.err.match(/the [\d.]+ [MG]B/) ?? ["?"])[0],
      ),
    });
  });

  test("--max-memory lowers the limit: a batch of 100,000 tasks is refused under 64 MB of room", async () => {
    const path = scenarioFile("batch-small.json", {
      ...huge,
      workload: {
        ...huge.workload,
        arrivals: { kind: "batch", count: 100_000 },
        classes: [{ steps: [{ io: "1ms" }] }],
      },
    });
    const r = await run("simulate", path, "--max-memory", "100MB");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /a batch of 100,000 tasks at time 0 keeps every task in memory at once: about 2\d\d MB, more than the 100 MB this run may use/,
    );
  });

  test("parseMaxEvents and parseMaxMemory take counts and sizes and refuse the rest", () => {
    expect(parseMaxEvents("1000")).toBe(1000);
    expect(parseMaxEvents("1e6")).toBe(1e6);
    expect(() => parseMaxEvents("0")).toThrow(
      "invalid --max-events: 0 (expected a positive integer, like 1000000 or 1e6)",
    );
    expect(() => parseMaxEvents("-5")).toThrow("invalid --max-events: -5");
    expect(parseMaxMemory("512MB")).toBe(512e6);
    expect(parseMaxMemory("2GiB")).toBe(2 * 1024 ** 3);
    expect(() => parseMaxMemory("1MB")).toThrow(
      "invalid --max-memory: 1MB (expected a size of at least 64MB, like 512MB or 2GiB)",
    );
  });
});
