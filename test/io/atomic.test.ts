import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { writeFileAtomic, writeFileAtomicSync } from "../../src/io/atomic.js";
import { tempDir } from "../temp.js";

const dir = tempDir("gilsim-atomic-");

describe("writeFileAtomic", () => {
  test("writeFileAtomic writes text and bytes, replaces an old file and leaves no temporary file", async () => {
    const path = join(dir, "a.txt");
    writeFileSync(path, "old contents that are longer");
    await writeFileAtomic(path, "new");
    expect(readFileSync(path, "utf8")).toBe("new");
    await writeFileAtomic(path, new Uint8Array([104, 105]));
    expect(readFileSync(path, "utf8")).toBe("hi");
    expect(readdirSync(dir)).toEqual(["a.txt"]);
  });

  test("writeFileAtomic creates missing folders", async () => {
    const path = join(dir, "deep", "er", "b.json");
    await writeFileAtomic(path, "{}");
    expect(readFileSync(path, "utf8")).toBe("{}");
  });

  test("writeFileAtomic that cannot rename leaves the target as it was and no temporary file", async () => {
    const sub = join(dir, "fail");
    const target = join(sub, "taken");
    mkdirSync(join(target, "inside"), { recursive: true });
    await expect(writeFileAtomic(target, "data")).rejects.toThrow();
    expect(readdirSync(sub)).toEqual(["taken"]);
    expect(readdirSync(target)).toEqual(["inside"]);
  });

  test("writeFileAtomicSync writes and cleans up like the async form", () => {
    const path = join(dir, "sync", "c.txt");
    writeFileAtomicSync(path, "sync");
    expect(readFileSync(path, "utf8")).toBe("sync");
    expect(readdirSync(join(dir, "sync"))).toEqual(["c.txt"]);
    mkdirSync(join(dir, "sync", "dir", "x"), { recursive: true });
    expect(() => writeFileAtomicSync(join(dir, "sync", "dir"), "no")).toThrow();
    expect(readdirSync(join(dir, "sync")).sort()).toEqual(["c.txt", "dir"]);
  });
});
