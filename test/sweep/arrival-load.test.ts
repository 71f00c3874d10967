import { describe, expect, test } from "vitest";
import { parseScenario } from "../../src/scenario/scenario.js";
import { applyLoad, parseLoad } from "../../src/sweep/arrival-load.js";
import { tinyScenario } from "./fixtures.js";

describe("parseLoad", () => {
  test("parseLoad reads rates per second, per millisecond and bare numbers", () => {
    expect(parseLoad("500/s")).toBe(500);
    expect(parseLoad("2/ms")).toBe(2000);
    expect(parseLoad("120")).toBe(120);
  });

  test("parseLoad rejects what is not a positive rate", () => {
    for (const bad of ["", "fast", "0/s", "-5/s", "5/h"]) {
      expect(() => parseLoad(bad), bad).toThrow(
        `invalid --load: ${JSON.stringify(bad)} (expected a rate above 0 like 500/s)`,
      );
    }
  });
});

describe("applyLoad", () => {
  test("applyLoad turns any arrivals into Poisson arrivals at the rate, keeping the count", () => {
    const raw = {
      ...tinyScenario(),
      workload: { ...(tinyScenario().workload as object), arrivals: { kind: "batch", count: 12 } },
    };
    expect(parseScenario(applyLoad(raw, 250)).workload.arrivals).toEqual({ kind: "poisson", rate: 250, count: 12 });
  });
});
