import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, test } from "vitest";
import { run } from "./run.js";

const ROOT = join(import.meta.dirname, "../..");
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;

describe("main", () => {
  test("main(['--help']) prints the usage and the commands on stdout and returns 0", async () => {
    const r = await run("--help");
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    expect(r.out).toMatch(/^Usage: gilsim \[options\] \[command\]/);
    for (const command of ["simulate", "check", "trace", "presets", "sweep", "merge", "recommend"]) {
      expect(r.out).toContain(`  ${command} `);
    }
  });

  test.each([
    ["simulate", "Usage: gilsim simulate [options] <scenario>", "--replications <n>"],
    ["check", "Usage: gilsim check [options] <files...>", "--help"],
    ["trace", "Usage: gilsim trace [options] <scenario>", "--format <format>"],
    ["presets", "Usage: gilsim presets [options]", "--help"],
    ["sweep", "Usage: gilsim sweep [options] <scenario>", "--help"],
    ["merge", "Usage: gilsim merge [options] <shards...>", "--help"],
    ["recommend", "Usage: gilsim recommend [options] <scenario>", "--help"],
  ])("main(['%s', '--help']) prints that command's usage and returns 0", async (command, usage, option) => {
    const r = await run(command, "--help");
    expect(r.code).toBe(0);
    expect(r.out.split("\n")[0]).toBe(usage);
    expect(r.out).toContain(option);
  });

  test("main(['--version']) prints the package version", async () => {
    expect(await run("--version")).toEqual({ code: 0, out: `${VERSION}\n`, err: "" });
  });

  test("main([]) prints the help on stderr and returns 2", async () => {
    const r = await run();
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/^Usage: gilsim/);
  });

  test("main with an unknown command returns 2 with commander's message", async () => {
    const r = await run("frobnicate");
    expect(r.code).toBe(2);
    expect(r.err).toBe("error: unknown command 'frobnicate'\n(add --help for usage)\n");
  });

  test("main with an unknown option returns 2 with commander's message", async () => {
    const r = await run("simulate", "web-api", "--sed", "3");
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toBe("error: unknown option '--sed'\n(Did you mean --seed?)\n(add --help for usage)\n");
  });

  test("main with a missing argument returns 2", async () => {
    const r = await run("simulate");
    expect(r.code).toBe(2);
    expect(r.err).toContain("error: missing required argument 'scenario'");
  });

  test("bin/gilsim.js runs the CLI: --help exits 0 with the usage", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, "bin/gilsim.js"), "--help"], {
      cwd: ROOT,
    });
    expect(stdout).toMatch(/^Usage: gilsim \[options\] \[command\]/);
  });

  test("bin/gilsim.js exits 2 on a usage error", async () => {
    const error = await promisify(execFile)(process.execPath, [join(ROOT, "bin/gilsim.js"), "simulate", "nope"], {
      cwd: ROOT,
    }).catch((e: { code: number; stderr: string }) => e);
    expect(error).toMatchObject({ code: 2 });
    expect((error as { stderr: string }).stderr).toMatch(/^gilsim: unknown scenario: "nope"/m);
  });
});
