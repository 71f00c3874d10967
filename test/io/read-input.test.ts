import { spawn, spawnSync } from "node:child_process";
import { symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { InputReadError, MAX_INPUT_BYTES, readInputFile } from "../../src/io/read-input.js";
import { tempDir } from "../temp.js";

const dir = tempDir("gilsim-read-input-");

function whyOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputReadError) return error.why;
    throw error;
  }
  throw new Error("expected an InputReadError");
}

describe("readInputFile", () => {
  test("readInputFile reads a regular file, and refuses one larger than the cap without reading it", () => {
    const small = join(dir, "small.json");
    writeFileSync(small, '{"a": 1}');
    expect(readInputFile(small)).toBe('{"a": 1}');
    const big = join(dir, "big.json");
    writeFileSync(big, Buffer.alloc(MAX_INPUT_BYTES + 1, 32));
    expect(whyOf(() => readInputFile(big))).toBe("larger than 4 MiB, the most gilsim reads");
  });

  test("readInputFile refuses /dev/zero, directly or through a symlink, after the cap instead of filling memory", () => {
    const link = join(dir, "zero.json");
    symlinkSync("/dev/zero", link);
    expect(whyOf(() => readInputFile("/dev/zero"))).toBe("larger than 4 MiB, the most gilsim reads");
    expect(whyOf(() => readInputFile(link))).toBe("larger than 4 MiB, the most gilsim reads");
  });

  test("readInputFile reads a FIFO to its end, as bash's <(cat file) hands it over", async () => {
    const fifo = join(dir, "pipe");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const writer = spawn("sh", ["-c", `printf '{"from": "a pipe"}' > "${fifo}"`]);
    expect(JSON.parse(readInputFile(fifo))).toEqual({ from: "a pipe" });
    await new Promise((resolve) => writer.on("exit", resolve));
  });

  test("readInputFile names a folder and a missing file", () => {
    expect(whyOf(() => readInputFile(dir))).toBe("it is a folder");
    expect(whyOf(() => readInputFile(join(dir, "nothing.json")))).toBe("no such file");
  });
});
