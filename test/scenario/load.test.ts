import { spawn, spawnSync } from "node:child_process";
import { symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { UsageError } from "../../src/cli/io.js";
import { ScenarioError } from "../../src/scenario/errors.js";
import { loadScenario, loadScenarioInput } from "../../src/scenario/load.js";
import { presetNames } from "../../src/scenario/presets.js";
import { tempDir } from "../temp.js";

const dir = tempDir("gilsim-load-");

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

const GOOD = JSON.stringify({
  name: "from-file",
  executor: { kind: "sync" },
  workload: { arrivals: { kind: "batch", count: 2 }, classes: [{ steps: [{ cpu: "1ms" }] }] },
});

describe("loadScenario", () => {
  test("loadScenario reads a .json file", () => {
    expect(loadScenario(file("good.json", GOOD)).name).toBe("from-file");
  });

  test("loadScenario reads an existing file without the .json suffix, and skips a byte-order mark", () => {
    expect(loadScenario(file("scenario.txt", `\uFEFF${GOOD}`)).name).toBe("from-file");
  });

  test("loadScenario reads a preset by name", () => {
    expect(loadScenario("convoy").name).toBe("convoy");
  });

  test("loadScenario names the file in schema errors", () => {
    const path = file("bad.json", JSON.stringify({ ...JSON.parse(GOOD), seed: -3 }));
    const error = errorOf(() => loadScenario(path));
    expect(error).toBeInstanceOf(ScenarioError);
    expect(error.message).toBe(`${path}: seed: -3 is invalid (expected a non-negative integer)`);
  });

  test("loadScenario gives a missing .json file as a usage error", () => {
    const path = join(dir, "missing.json");
    const error = errorOf(() => loadScenario(path));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe(`cannot read scenario file ${JSON.stringify(path)} (no such file)`);
  });

  test("loadScenario lists the presets for an unknown name", () => {
    const error = errorOf(() => loadScenario("no-such-preset"));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe(
      `unknown scenario: "no-such-preset" (expected a .json file or a preset: ${presetNames().join(", ")})`,
    );
  });

  test("loadScenario gives a JSON syntax error on one line with the file, line and column", () => {
    const path = file("syntax.json", '{\n  "name": "x",\n  "seed": 1\n  "executor": {}\n}\n');
    const error = errorOf(() => loadScenario(path));
    expect(error).toBeInstanceOf(ScenarioError);
    expect(error.message).toBe(`${path}: invalid JSON at line 4, column 3: expected "," or "}", found "\\""`);
  });

  test("loadScenario reads a pipe as a file, as bash's <(cat file.json) hands it over, not as a preset name", async () => {
    const fifo = join(dir, "63");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    // The writer is another process: the read blocks this one until the pipe ends.
    const writer = spawn("sh", ["-c", `cat "${file("piped.txt", GOOD)}" > "${fifo}"`]);
    expect(loadScenario(fifo).name).toBe("from-file");
    await new Promise((resolve) => writer.on("exit", resolve));
  });

  test("loadScenario refuses a file larger than 4 MiB, and a symlink to /dev/zero, with one line", () => {
    const link = join(dir, "zero.json");
    symlinkSync("/dev/zero", link);
    const error = errorOf(() => loadScenario(link));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe(
      `cannot read scenario file ${JSON.stringify(link)} (larger than 4 MiB, the most gilsim reads)`,
    );
  });

  test("loadScenario reports an empty file as JSON that ends too soon", () => {
    const path = file("empty.json", "");
    expect(errorOf(() => loadScenario(path)).message).toBe(
      `${path}: invalid JSON at line 1, column 1: expected a value, found the end of the file`,
    );
  });
});

describe("loadScenarioInput", () => {
  test("loadScenarioInput returns the raw object, durations as written", () => {
    expect(loadScenarioInput(file("raw.json", GOOD))).toEqual(JSON.parse(GOOD));
    const preset = loadScenarioInput("web-api") as { workload: { classes: { steps: unknown[] }[] } };
    expect(preset.workload.classes[0]?.steps[0]).toEqual({ cpu: "2ms" });
  });
});
