import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { MAX_PROBLEM_LINES, ScenarioError } from "../../src/scenario/errors.js";
import { getPreset, presetNames } from "../../src/scenario/presets.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import { tempDir } from "../temp.js";
import { inProcess, problemsOf } from "./check.js";

/*
 * Laws of scenario loading, with fast-check: whatever value is given, parseScenario returns a
 * scenario or throws a ScenarioError (never a TypeError, a RangeError or a stack overflow), whose
 * message has at most 20 lines of at most 300 characters; and `gilsim check` on any file text
 * exits 0 or 2 with the same bounded, stack-free output. Seeds are fixed so a failure reproduces.
 */

const SEED = 1717;
const MAX_LINE = 300;

/** Values JSON.parse can give, and the few a notebook could pass that JSON cannot (NaN, Infinity, -0). */
const anyValue = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.constantFrom(1e-300, 1e290, -1e290, 2 ** 53 + 2, 1e12, 10_000_001, "1e290s", "1e-300/s") },
);

/** Replaces the value at the path that `choices` walks down (each choice picks a key at its level). */
function replaceAt(root: unknown, choices: readonly number[], value: unknown): unknown {
  if (choices.length === 0 || root === null || typeof root !== "object") return value;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(root) ? [...root] : { ...root };
  const keys = Object.keys(copy);
  if (keys.length === 0) return value;
  const key = keys[(choices[0] as number) % keys.length] as string;
  (copy as Record<string, unknown>)[key] = replaceAt((copy as Record<string, unknown>)[key], choices.slice(1), value);
  return copy;
}

/** The outcome of parsing, or the first broken law. */
function parseLaw(input: unknown): "ok" | "error" {
  try {
    parseScenario(input, "fuzz.json");
    return "ok";
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw new Error(`not a ScenarioError: ${String(error)}`);
    const lines = error.message.split("\n");
    expect(lines.length).toBeLessThanOrEqual(MAX_PROBLEM_LINES);
    for (const line of lines) {
      expect(line.length).toBeLessThanOrEqual(MAX_LINE);
      expect(line.startsWith("fuzz.json")).toBe(true);
    }
    return "error";
  }
}

describe("laws of scenario loading (fast-check)", () => {
  test("any JSON value as a whole scenario: a ScenarioError of at most 20 short lines, never another error", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        // Only an object with a workload can be a scenario; fast-check seldom makes one.
        parseLaw(value);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  test("a preset with one value anywhere replaced: a scenario, or a ScenarioError of at most 20 short lines", () => {
    const names = presetNames();
    let errors = 0;
    let oks = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
        anyValue,
        (name, path, value) => {
          if (parseLaw(replaceAt(getPreset(name), path, value)) === "ok") oks++;
          else errors++;
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
    // Both outcomes happen: the law was checked on bad scenarios and on good ones.
    expect(errors).toBeGreaterThan(50);
    expect(oks).toBeGreaterThan(5);
  });

  test("gilsim check on any file text: exit 0 or 2, at most 20 lines, no stack trace, no file left", async () => {
    const dir = tempDir("gilsim-laws-");
    const preset = JSON.stringify(getPreset("web-api"));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 400 }),
          fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
          // A preset's text cut anywhere, or with a run of garbage put in.
          fc.tuple(fc.nat(), fc.string({ maxLength: 20 })).map(([at, junk]) => {
            const i = at % (preset.length + 1);
            return preset.slice(0, i) + junk + preset.slice(i + (junk.length > 0 ? 1 : preset.length));
          }),
        ),
        async (text) => {
          const file = join(dir, `${n++}.json`);
          writeFileSync(file, text);
          const outcome = await inProcess(["check", file], dir, []);
          expect(problemsOf(outcome)).toEqual([]);
          expect([0, 2]).toContain(outcome.code);
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });
});
