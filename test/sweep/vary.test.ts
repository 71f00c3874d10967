import { describe, expect, test } from "vitest";
import { MAX_VALUES, parseVary } from "../../src/sweep/vary.js";

const texts = (option: string) => parseVary(option).items.map((i) => i.text);
const numbers = (option: string) => parseVary(option).items.map((i) => i.number);

describe("parseVary", () => {
  test("parseVary reads a list, keeping each item's text and the number it spells", () => {
    const v = parseVary("executor.workers=1,2,4");
    expect(v.path).toBe("executor.workers");
    expect(v.segments).toEqual(["executor", "workers"]);
    expect(v.items).toEqual([
      { text: "1", number: 1, boolean: null },
      { text: "2", number: 2, boolean: null },
      { text: "4", number: 4, boolean: null },
    ]);
  });

  test("parseVary expands an integer range inclusively", () => {
    expect(numbers("executor.workers=1..5")).toEqual([1, 2, 3, 4, 5]);
    expect(numbers("executor.workers=3..3")).toEqual([3]);
    expect(numbers("executor.workers=1..64")).toHaveLength(64);
  });

  test("parseVary expands a stepped range, stopping at or before the end", () => {
    expect(numbers("executor.workers=1..64:16")).toEqual([1, 17, 33, 49]);
    expect(numbers("executor.workers=0..64:16")).toEqual([0, 16, 32, 48, 64]);
    // Fractional steps do not drift: 0.1 * 3 is 0.3, not 0.30000000000000004.
    expect(numbers("runtime.pythonSlowdown=1..1.5:0.1")).toEqual([1, 1.1, 1.2, 1.3, 1.4, 1.5]);
  });

  test("parseVary expands a geometric range by its factor", () => {
    expect(numbers("executor.workers=1..64*2")).toEqual([1, 2, 4, 8, 16, 32, 64]);
    expect(numbers("executor.workers=1..100*3")).toEqual([1, 3, 9, 27, 81]);
  });

  test("parseVary keeps strings and durations as written, and mixes forms in one list", () => {
    expect(texts("runtime.gil=on,off")).toEqual(["on", "off"]);
    expect(parseVary("runtime.switchInterval=1ms,5ms").items.map((i) => i.number)).toEqual([null, null]);
    expect(texts("runtime.switchInterval=1ms, 5ms ,0.5s")).toEqual(["1ms", "5ms", "0.5s"]);
    expect(numbers("executor.workers=1,4..6,16")).toEqual([1, 4, 5, 6, 16]);
    expect(parseVary("run.trace=true,false").items.map((i) => i.boolean)).toEqual([true, false]);
  });

  test("parseVary accepts array indices in brackets or as dotted digits", () => {
    expect(parseVary("workload.classes[0].weight=1,2").path).toBe("workload.classes[0].weight");
    expect(parseVary("workload.classes.0.weight=1,2").segments).toEqual(["workload", "classes", 0, "weight"]);
  });

  test("parseVary rejects bad options with one line naming the problem", () => {
    const cases: [string, string][] = [
      ["executor.workers", "invalid --vary: executor.workers (expected PATH=VALUES like executor.workers=1..8)"],
      ["executor.workers=", "empty --vary values for executor.workers"],
      ["executor.workers=1,,2", 'invalid --vary values for executor.workers: "1,,2" (empty item)'],
      ["executor.workers=64..1", "empty --vary range: 64..1 (expected the start to be at most the end)"],
      ["executor.workers=1..64:0", "invalid --vary step: 1..64:0 (expected a step above 0)"],
      ["executor.workers=1..64:x", "invalid --vary step: 1..64:x (expected a step above 0)"],
      ["executor.workers=1..64*1", "invalid --vary factor: 1..64*1 (expected a factor above 1)"],
      ["executor.workers=0..64*2", "invalid --vary range: 0..64*2 (a geometric range needs a start above 0)"],
      [
        "executor.workers=1.5..4",
        "invalid --vary range: 1.5..4 (expected integers; give a step for fractions, like 0.5..2:0.5)",
      ],
      ["executor.workers=a..b", "invalid --vary range: a..b (expected numbers like 1..64, 1..64:4 or 1..64*2)"],
      ["executor.workers=1,2,1", "duplicate --vary value for executor.workers: 1"],
      ["=1,2", 'invalid --vary path: "" (expected keys joined by dots, like executor.workers)'],
      [
        "executor..workers=1",
        'invalid --vary path: "executor..workers" (expected keys joined by dots, like executor.workers)',
      ],
      ["executor.workers=1..1000000", `--vary range too large: 1..1000000 (more than ${MAX_VALUES} values)`],
    ];
    for (const [option, message] of cases) expect(() => parseVary(option), option).toThrow(message);
  });
});
