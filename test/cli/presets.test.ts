import { describe, expect, test } from "vitest";
import { presetDescription, presetNames } from "../../src/scenario/presets.js";
import { run } from "./run.js";

describe("gilsim presets", () => {
  test("presets lists every preset with its description, one per line, and returns 0", async () => {
    const r = await run("presets");
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    const lines = r.out.trimEnd().split("\n");
    expect(lines).toHaveLength(presetNames().length);
    presetNames().forEach((name, i) => {
      expect(lines[i]).toMatch(
        new RegExp(`^${name} +${presetDescription(name).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`),
      );
    });
    // The descriptions start in one column.
    const starts = lines.map((l, i) => l.indexOf(presetDescription(presetNames()[i]!)));
    expect(new Set(starts).size).toBe(1);
  });

  test("every listed preset passes gilsim check", async () => {
    const r = await run("check", ...presetNames());
    expect(r.code).toBe(0);
    expect(r.out.trimEnd().split("\n")).toEqual(presetNames().map((n) => `ok: ${n} (${n})`));
  });
});
