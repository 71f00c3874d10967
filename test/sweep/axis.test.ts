import { describe, expect, test } from "vitest";
import { parseAxes, resolveAxis } from "../../src/sweep/axis.js";
import { parseVary } from "../../src/sweep/vary.js";

describe("resolveAxis", () => {
  test("resolveAxis keeps numbers as numbers where the schema takes numbers", () => {
    expect(resolveAxis(parseVary("executor.workers=1..3")).values).toEqual([1, 2, 3]);
    expect(resolveAxis(parseVary("runtime.switchInterval=1,5")).values).toEqual([1, 5]);
  });

  test("resolveAxis keeps strings where the schema takes only strings, so 3.10 stays 3.10", () => {
    expect(resolveAxis(parseVary("runtime.python=3.10,3.13t")).values).toEqual(["3.10", "3.13t"]);
    expect(resolveAxis(parseVary("runtime.gil=on,off")).values).toEqual(["on", "off"]);
    expect(resolveAxis(parseVary("runtime.switchInterval=1ms,5ms")).values).toEqual(["1ms", "5ms"]);
  });

  test("resolveAxis gives booleans to boolean fields only", () => {
    expect(resolveAxis(parseVary("run.trace=true,false")).values).toEqual([true, false]);
    expect(resolveAxis(parseVary("name=true,false")).values).toEqual(["true", "false"]);
  });

  test("resolveAxis rejects a path the schema lacks", () => {
    expect(() => resolveAxis(parseVary("executor.wrkers=1,2"))).toThrow("unknown --vary path: executor.wrkers");
    expect(() => resolveAxis(parseVary("workload.classes[0].stepz=1"))).toThrow(
      "unknown --vary path: workload.classes[0].stepz",
    );
  });
});

describe("parseAxes", () => {
  test("parseAxes resolves each option in order", () => {
    const axes = parseAxes(["executor.workers=1,2", "runtime.gil=on,off"]);
    expect(axes.map((a) => [a.path, a.values])).toEqual([
      ["executor.workers", [1, 2]],
      ["runtime.gil", ["on", "off"]],
    ]);
  });

  test("parseAxes rejects a path given twice, however it is spelled", () => {
    expect(() => parseAxes(["workload.classes[0].weight=1", "workload.classes.0.weight=2"])).toThrow(
      "--vary workload.classes[0].weight is given twice",
    );
  });
});
