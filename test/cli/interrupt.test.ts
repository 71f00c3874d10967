import { spawn } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { tempDir } from "../temp.js";
import { run } from "./run.js";

/*
 * `gilsim trace` stopped by SIGTERM used to leave its temporary file (78 MB) behind: the run was
 * one synchronous loop, so no handler could run. Runs now go in slices, and the command line
 * removes its temporary files on SIGINT and SIGTERM; a later run removes stale ones of its own.
 */

const BIN = fileURLToPath(new URL("../../bin/gilsim.js", import.meta.url));

const long = {
  name: "long",
  executor: { kind: "asyncio" },
  workload: {
    arrivals: { kind: "poisson", rate: "1000/s", count: 5_000_000 },
    classes: [{ steps: [{ cpu: "100us" }, { io: "10ms" }] }],
  },
};

/** Starts `gilsim trace` streaming a long run into `dir`, sends `signal` once its temporary file exists. */
async function interrupted(
  signal: "SIGINT" | "SIGTERM",
): Promise<{ code: number | null; files: string[]; err: string }> {
  const dir = tempDir("gilsim-interrupt-");
  const scenario = join(dir, "long.json");
  writeFileSync(scenario, JSON.stringify(long));
  const child = spawn(process.execPath, [BIN, "trace", scenario, "--format", "jsonl", "--out", join(dir, "t")], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  child.stderr.on("data", (chunk) => {
    err += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  // Wait (however slow the machine) for the run to be writing its temporary file.
  for (;;) {
    if (readdirSync(dir).some((f) => f.endsWith(".tmp"))) break;
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill(signal);
  const code = await exited;
  return { code, files: readdirSync(dir).filter((f) => f !== "long.json"), err };
}

describe("temporary files and signals", () => {
  test.each([
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const)(
    "trace --format jsonl stopped by %s removes its temporary file and exits %i",
    async (signal, exit) => {
      const r = await interrupted(signal);
      expect(r.files).toEqual([]);
      expect(r.code).toBe(exit);
      expect(r.err).toBe(`gilsim: stopped by ${signal}\n`);
    },
    600_000,
  );

  test("a stale temporary file of the same output, from a process that is gone, is removed by the next run", async () => {
    const dir = tempDir("gilsim-stale-");
    const stale = join(dir, ".t.jsonl.999999999.tmp");
    writeFileSync(stale, "half a trace");
    const r = await run("trace", "threads-cpu", "--format", "jsonl", "--out", join(dir, "t"));
    expect(r.code).toBe(0);
    expect(existsSync(stale)).toBe(false);
    expect(readdirSync(dir)).toEqual(["t.jsonl"]);
  });
});
