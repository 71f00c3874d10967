/*
 * The README's `npx gilsim` commands, run as written from a scratch folder (with the examples
 * folder beside them), so the front door cannot drift from what the CLI accepts. The
 * real-execution commands (real, compare, calibrate and the profile it writes, validate) are left
 * out: they run CPython for half a minute or read recorded runs, and are covered by test/cli,
 * test/real and test/validate; so is the "your own app" block (fit, and recommend on what fit
 * wrote; its first command runs the demo service), covered by test/fit/record-fit-simulate.test.ts.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { tempDir } from "./temp.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SKIP = /gilsim (real|compare|calibrate|validate|record|fit)\b|--profile |app\.json/;

/** The shell commands of the README's ```sh blocks that run gilsim: continuation lines and for loops joined. */
function readmeCommands(markdown: string): string[] {
  const commands: string[] = [];
  for (const block of markdown.matchAll(/```sh\n([\s\S]*?)```/g)) {
    let current = "";
    let depth = 0;
    for (const raw of (block[1] as string).split("\n")) {
      const line = raw.replace(/\s+#.*$/, "").trimEnd();
      if (line.trim() === "") continue;
      current += (current ? "\n" : "") + line;
      if (/^\s*for\b/.test(line)) depth++;
      if (/^\s*done\b/.test(line)) depth--;
      if (line.endsWith("\\") || depth > 0) continue;
      if (/\bnpx gilsim\b/.test(current)) commands.push(current);
      current = "";
    }
  }
  return commands;
}

const scratch = tempDir("gilsim-readme-");

describe("README", () => {
  const all = readmeCommands(readFileSync(join(ROOT, "README.md"), "utf8"));
  const runnable = all.filter((c) => !SKIP.test(c));

  test("the README's gilsim commands are found, sweeps and recommend among them", () => {
    expect(runnable.length).toBeGreaterThanOrEqual(10);
    for (const command of ["simulate", "trace", "check", "sweep", "merge", "recommend"]) {
      expect(runnable.some((c) => c.includes(`npx gilsim ${command} `))).toBe(true);
    }
    expect(all.length - runnable.length).toBe(7);
  });

  test("every gilsim command in the README runs and exits 0", { timeout: 900_000 }, () => {
    // `npx gilsim` in the scratch folder runs this checkout's CLI.
    const bin = join(scratch, "bin");
    mkdirSync(bin);
    const shim = join(bin, "npx");
    writeFileSync(
      shim,
      `#!/bin/sh\n[ "$1" = gilsim ] || { echo "not gilsim: $*" >&2; exit 97; }\nshift\nexec "${process.execPath}" "${join(ROOT, "bin/gilsim.js")}" "$@"\n`,
    );
    chmodSync(shim, 0o755);
    symlinkSync(join(ROOT, "examples"), join(scratch, "examples"));
    const failures: string[] = [];
    for (const command of runnable) {
      const r = spawnSync("bash", ["-e", "-c", command], {
        cwd: scratch,
        encoding: "utf8",
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      });
      if (r.status !== 0) failures.push(`${command}\n  exit ${r.status}: ${r.stderr.trim().split("\n").pop()}`);
    }
    expect(failures).toEqual([]);
    // The files the README says these commands write, and only those.
    const has = (path: string) => existsSync(join(scratch, path));
    // "gilsim trace convoy --out convoy  # convoy.json for Perfetto (--format both adds CSV)"
    const chrome = JSON.parse(readFileSync(join(scratch, "convoy.json"), "utf8")) as { traceEvents?: unknown[] };
    expect(chrome.traceEvents?.length).toBeGreaterThan(0);
    expect(["convoy.intervals.csv", "convoy.tasks.csv"].filter(has)).toEqual([]);
    // A sweep "appends each finished point to points.jsonl ... and writes sweep.json, sweep.csv and
    // line and heatmap figures"; merge joins the shards into the same files.
    for (const dir of ["sweep-out", "merged"]) {
      expect(
        ["sweep.json", "sweep.csv"].filter((f) => !has(join(dir, f))),
        dir,
      ).toEqual([]);
      const files = readdirSync(join(scratch, dir));
      expect(
        files.some((f) => f.endsWith("-line.svg")),
        `${dir}: ${files.join(", ")}`,
      ).toBe(true);
    }
    expect(readdirSync(join(scratch, "sweep-out")).some((f) => f.endsWith("-heatmap.svg"))).toBe(true);
    for (const k of [1, 2, 3, 4]) expect(has(`shard${k}/points.jsonl`), `shard${k}`).toBe(true);
    expect(has("sweep-out/points.jsonl")).toBe(true);
  });
});
