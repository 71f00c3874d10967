import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { tempDir } from "../temp.js";
import { describeFailures, runCampaign } from "./campaign.js";
import { problemsOf, RUN_LIMITS, viaCli } from "./check.js";
import { fuzzInputs } from "./inputs.js";

/*
 * The fuzzer in the test suite: 2,000 hostile scenario files, mutated from the examples and the
 * presets (inputs.ts), through the CLI's own entry in-process (every 20th through `gilsim trace`
 * as well); the first 60 of them also through real child processes of the built CLI, with CPU
 * time and peak memory measured; and 300 more through one real `gilsim check`. `npm run fuzz`
 * runs 10,000 (300 as child processes). Seeds are fixed, so a failure here reproduces
 * (GILSIM_FUZZ_SEED picks another set).
 */

const SEED = Number(process.env.GILSIM_FUZZ_SEED ?? 17);
const IN_PROCESS = 2000;
const CHILDREN = 60;
const CHECKED_BY_CLI = 300;

describe("the fuzzer", () => {
  test(`${IN_PROCESS} hostile scenario files in-process, ${CHILDREN} of them as child processes: exit 0 or 2, at most 20 lines, no stack trace, within 20 s and 512 MB, no file left`, async () => {
    const result = await runCampaign({
      count: IN_PROCESS,
      children: CHILDREN,
      seed: SEED,
      dir: tempDir("gilsim-fuzz-"),
    });
    expect(describeFailures(result.failures)).toEqual([]);
    expect(result.inputs).toBe(IN_PROCESS);
    expect(result.childRuns).toBe(CHILDREN);
    // The mutations mostly make bad files, and some stay valid and run: both paths are exercised.
    expect(result.outcomes.get("in-process exit 2") ?? 0).toBeGreaterThan(IN_PROCESS / 2);
    expect(result.outcomes.get("in-process exit 0") ?? 0).toBeGreaterThan(20);
    expect(result.outcomes.get("child exit 2") ?? 0).toBeGreaterThan(CHILDREN / 2);
    // Peak memory was measured for every child (a failure above otherwise), and the worst is real.
    expect(result.worstChildPeak).toBeGreaterThan(10 * 2 ** 20);
    // This process held every in-process run within bounded memory too.
    expect(process.resourceUsage().maxRSS * 1024).toBeLessThan(1024 * 2 ** 20);
  });

  test(`${CHECKED_BY_CLI} hostile files through one real \`gilsim check\`: exit 2, at most 20 lines for each file, no stack trace`, async () => {
    const dir = tempDir("gilsim-fuzz-check-");
    const inputs = join(dir, "in");
    mkdirSync(inputs);
    const files: string[] = [];
    let i = 0;
    for (const input of fuzzInputs(CHECKED_BY_CLI, SEED + 1)) {
      const file = join(inputs, `${String(i++).padStart(5, "0")}.json`);
      writeFileSync(file, input.text);
      files.push(file);
    }
    const checked = await viaCli(["check", ...files], inputs);
    // One process, so the demand on stderr is checked file by file: each line names its file.
    const byFile = new Map<string, number>();
    for (const line of checked.err.split("\n").filter(Boolean)) {
      const file = files.find((f) => line.startsWith(`${f}:`) || line.includes(JSON.stringify(f)));
      byFile.set(file ?? "?", (byFile.get(file ?? "?") ?? 0) + 1);
    }
    expect([...byFile].filter(([, n]) => n > 20)).toEqual([]);
    expect(byFile.get("?")).toBeUndefined();
    expect(byFile.size).toBeGreaterThan(CHECKED_BY_CLI / 2);
    // The rest of the demands on the whole process (its line count was checked file by file).
    expect(problemsOf(checked).filter((p) => !p.endsWith("lines on stderr"))).toEqual([]);
    expect(checked.code).toBe(2);
  });

  // A known defect the fuzzer found (input 493 of seed 17, before inputs.ts stopped making it):
  // zero-length steps take no event, so --max-events does not bound them, and 1,000 tasks of
  // 400,000 such steps run for minutes of CPU, though the run estimate allows them (under 1e10
  // steps). The fix belongs in src/model (count such steps against the limit, or refuse the run).
  test("a valid scenario of millions of zero-length steps stops at --max-events, or is refused, within 20 s", async () => {
    const dir = tempDir("gilsim-fuzz-zero-");
    const file = join(dir, "zero-steps.json");
    writeFileSync(
      file,
      JSON.stringify({
        name: "zero-steps",
        executor: { kind: "asyncio" },
        workload: {
          arrivals: { kind: "poisson", rate: "100/s", count: 1000 },
          classes: [{ name: "a", steps: [{ repeat: 2, steps: [{ repeat: 200000, steps: [{ cpu: "0ms" }] }] }] }],
        },
      }),
    );
    const outcome = await viaCli(["simulate", file, ...RUN_LIMITS], dir);
    expect(problemsOf(outcome)).toEqual([]);
  });
});
