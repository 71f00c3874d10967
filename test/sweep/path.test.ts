import { describe, expect, test } from "vitest";
import { formatPathSegments, parsePath, setAt } from "../../src/sweep/path.js";

describe("parsePath", () => {
  test("parsePath splits keys and reads digits as indices", () => {
    expect(parsePath("workload.classes[1].steps.0.cpu")).toEqual(["workload", "classes", 1, "steps", 0, "cpu"]);
    expect(parsePath("$schema")).toEqual(["$schema"]);
  });

  test("parsePath rejects empty and malformed paths", () => {
    for (const bad of ["", "a.", ".a", "a..b", "a[x]", "a b"]) {
      expect(() => parsePath(bad), bad).toThrow(`invalid --vary path: "${bad}"`);
    }
  });

  test("formatPathSegments writes indices in brackets", () => {
    expect(formatPathSegments(["workload", "classes", 0, "weight"])).toBe("workload.classes[0].weight");
  });
});

describe("setAt", () => {
  test("setAt returns a copy with the value set and leaves the original alone", () => {
    const raw = { executor: { kind: "threads", workers: 2 }, name: "x" };
    const out = setAt(raw, ["executor", "workers"], 8);
    expect(out).toEqual({ executor: { kind: "threads", workers: 8 }, name: "x" });
    expect(raw.executor.workers).toBe(2);
  });

  test("setAt creates missing objects on the way", () => {
    expect(setAt({ name: "x" }, ["runtime", "gil"], "off")).toEqual({ name: "x", runtime: { gil: "off" } });
  });

  test("setAt sets an element of a list and copies the list", () => {
    const raw = { classes: [{ weight: 1 }, { weight: 2 }] };
    const out = setAt(raw, ["classes", 1, "weight"], 5) as typeof raw;
    expect(out.classes).toEqual([{ weight: 1 }, { weight: 5 }]);
    expect(raw.classes[1]?.weight).toBe(2);
  });

  test("setAt refuses an index past the end of a list, naming the whole path", () => {
    expect(() => setAt({ classes: [{}] }, ["classes", 3, "weight"], 1)).toThrow(
      "unknown --vary path: classes[3].weight (classes has no element 3: it has 1)",
    );
    expect(() => setAt({ classes: {} }, ["classes", 0], 1)).toThrow(
      "unknown --vary path: classes[0] (classes has no element 0: it is not a list)",
    );
  });
});
