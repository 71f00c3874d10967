import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { writeChunksAtomic } from "../../src/sweep/atomic-chunks.js";
import { tempDir } from "./fixtures.js";

describe("writeChunksAtomic", () => {
  test("writeChunksAtomic writes the chunks in order, creating the folder", () => {
    const file = join(tempDir(), "deep", "out.txt");
    const chunks = Array.from({ length: 5000 }, (_, i) => `line ${i} µ\n`);
    writeChunksAtomic(file, chunks);
    expect(readFileSync(file, "utf8")).toBe(chunks.join(""));
  });

  test("writeChunksAtomic leaves the old file and no temporary file when the chunks fail", () => {
    const dir = tempDir();
    const file = join(dir, "out.txt");
    writeFileSync(file, "old");
    function* failing() {
      yield "new";
      throw new Error("no more");
    }
    expect(() => writeChunksAtomic(file, failing())).toThrow("no more");
    expect(readFileSync(file, "utf8")).toBe("old");
    expect(readdirSync(dir)).toEqual(["out.txt"]);
    expect(existsSync(file)).toBe(true);
  });
});
