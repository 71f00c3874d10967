import { describe, expect, test } from "vitest";
import { z } from "zod";
import { distributionSchema } from "../../src/scenario/distribution.js";
import { formatIssues, formatPath, ScenarioError } from "../../src/scenario/errors.js";
import { stepSchema } from "../../src/scenario/schema.js";

function linesFor(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) throw new Error("expected the input to fail");
  return formatIssues(result.error.issues);
}

describe("formatPath", () => {
  test("formatPath joins keys with dots and indexes with brackets", () => {
    expect(formatPath(["workload", "classes", 0, "steps", 12, "cpu"])).toBe("workload.classes[0].steps[12].cpu");
    expect(formatPath([3, "a"])).toBe("[3].a");
  });
  test("formatPath names the empty path (top level)", () => {
    expect(formatPath([])).toBe("(top level)");
  });
});

describe("formatIssues picks the union branch that fits the value", () => {
  test("formatIssues reports a step's problem inside the branch named by its key", () => {
    expect(linesFor(stepSchema, { cpu: "1ms", gil: "sometimes" })).toEqual([
      'gil: "sometimes" is invalid (expected "python", "release" or "hold")',
    ]);
    expect(linesFor(stepSchema, { block: "soon" })).toEqual([
      'block: "soon" is invalid (expected a duration like "250us", "2ms", "1.5s", or a number of milliseconds)',
    ]);
  });

  test("formatIssues follows nested unions through repeat and offload steps", () => {
    expect(linesFor(stepSchema, { repeat: 3, steps: [{ io: "1ms" }, { io: -1 }] })).toEqual([
      "steps[1].io: -1 is invalid (expected a duration of at least 0)",
    ]);
    expect(
      linesFor(stepSchema, { offload: [{ repeat: 2, steps: [{ cpu: { dist: "gamma", shape: 0, mean: "1ms" } }] }] }),
    ).toEqual(["offload[0].steps[0].cpu.shape: 0 is invalid (expected a number above 0)"]);
  });

  test("formatIssues reports a distribution object's own field, not the plain-duration branch", () => {
    expect(linesFor(distributionSchema, { dist: "normal", mean: "2ms" })).toEqual([
      'sd: missing (expected a duration like "250us", "2ms", "1.5s", or a number of milliseconds)',
    ]);
    expect(linesFor(distributionSchema, { dist: "constant", value: "2ms", extra: 1 })).toEqual([
      "extra: unknown option",
    ]);
  });

  test("formatIssues reports a bad plain duration through the duration branch", () => {
    expect(linesFor(distributionSchema, "3 fortnights")).toEqual([
      '(top level): "3 fortnights" is invalid (expected a duration like "250us", "2ms", "1.5s", or a number of milliseconds)',
    ]);
  });

  test("formatIssues uses the union's own message when no branch fits", () => {
    expect(linesFor(distributionSchema, true)).toEqual([
      '(top level): true is invalid (expected a duration ("2ms") or a distribution object with a "dist" field)',
    ]);
    expect(linesFor(stepSchema, { cpu: "1ms", io: "1ms" })[0]).toMatch(/is invalid \(expected a step: /);
  });

  test("formatIssues rewrites zod's default wording and lists every unknown key", () => {
    expect(linesFor(z.strictObject({ a: z.number(), b: z.enum(["x", "y"]) }), { a: "1", b: "z", c: 1, d: 2 })).toEqual([
      'a: "1" is invalid (expected a number)',
      'b: "z" is invalid (expected "x" or "y")',
      "c: unknown option",
      "d: unknown option",
    ]);
  });

  test("formatIssues shortens long values to 60 characters", () => {
    const [line] = linesFor(z.object({ s: z.number() }), { s: "y".repeat(100) });
    expect(line).toBe(`s: "${"y".repeat(56)}... is invalid (expected a number)`);
  });
});

describe("ScenarioError", () => {
  test("ScenarioError puts the source before each problem, one per line", () => {
    const error = new ScenarioError(["a: bad", "b: worse"], "file.json");
    expect(error.message).toBe("file.json: a: bad\nfile.json: b: worse");
    expect(error.problems).toEqual(["a: bad", "b: worse"]);
    expect(error.name).toBe("ScenarioError");
  });
});
