import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { tempDir } from "../temp.js";
import { run } from "./run.js";

const dir = tempDir("gilsim-check-");

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const GOOD = JSON.stringify({
  name: "good-one",
  executor: { kind: "threads", workers: 2 },
  workload: { arrivals: { kind: "batch", count: 3 }, classes: [{ steps: [{ cpu: "1ms" }] }] },
});

describe("gilsim check", () => {
  test("check FILE prints ok with the scenario's name and returns 0", async () => {
    const path = file("good.json", GOOD);
    expect(await run("check", path)).toEqual({ code: 0, out: `ok: ${path} (good-one)\n`, err: "" });
  });

  test("check passes every example file", async () => {
    const r = await run("check", "examples/api-mixed.json", "examples/convoy.json");
    expect(r).toEqual({
      code: 0,
      out: "ok: examples/api-mixed.json (api-mixed)\nok: examples/convoy.json (convoy)\n",
      err: "",
    });
  });

  test("check prints each problem of a bad file on its own line and returns 2", async () => {
    const path = file("bad.json", GOOD.replace('"workers":2', '"workers":0,"color":"red"'));
    expect(await run("check", path)).toEqual({
      code: 2,
      out: "",
      err: `${path}: executor.workers: 0 is invalid (expected a positive integer)\n${path}: executor.color: unknown option\n`,
    });
  });

  test("check goes through every file and returns 2 when one is bad", async () => {
    const good = file("good2.json", GOOD);
    const missing = join(dir, "missing.json");
    const r = await run("check", missing, good);
    expect(r.code).toBe(2);
    expect(r.out).toBe(`ok: ${good} (good-one)\n`);
    expect(r.err).toBe(`gilsim: cannot read scenario file ${JSON.stringify(missing)} (no such file)\n`);
  });

  test("check reports a JSON syntax error with its position", async () => {
    const path = file("syntax.json", '{"name": "x" "seed": 1}');
    expect(await run("check", path)).toEqual({
      code: 2,
      out: "",
      err: `${path}: invalid JSON at line 1, column 14: expected "," or "}", found "\\""\n`,
    });
  });
});
