import { spawn, spawnSync } from "node:child_process";
import { lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { writeFileAtomic, writeFileAtomicSync, writeFilesAtomic } from "../../src/io/atomic.js";
import { UsageError } from "../../src/io/usage-error.js";
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

/** Makes a small tmpfs at `dir` for a full disk; false where mounting is not permitted. */
function smallDisk(dir: string): boolean {
  mkdirSync(dir, { recursive: true });
  return spawnSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir]).status === 0;
}

describe("writeFileAtomic never renames over what is not a regular file", () => {
  test("a symlink to a file: the target gets the new bytes and the link stays a link", async () => {
    const target = join(dir, "links", "target.txt");
    mkdirSync(join(dir, "links"));
    writeFileSync(target, "old");
    const link = join(dir, "links", "link.txt");
    symlinkSync(target, link);
    await writeFileAtomic(link, "new");
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, "utf8")).toBe("new");
    writeFileAtomicSync(link, "newer");
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, "utf8")).toBe("newer");
    expect(readdirSync(join(dir, "links")).sort()).toEqual(["link.txt", "target.txt"]);
  });

  test("a dangling symlink: the file is made where it points", async () => {
    mkdirSync(join(dir, "dangling"));
    const link = join(dir, "dangling", "link.json");
    symlinkSync("made.json", link);
    await writeFileAtomic(link, "{}");
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, "dangling", "made.json"), "utf8")).toBe("{}");
  });

  test("a FIFO is written through, and stays a FIFO", async () => {
    const fifo = join(dir, "out.fifo");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const reader = spawn("cat", [fifo]);
    let got = "";
    reader.stdout.on("data", (chunk) => {
      got += chunk;
    });
    const done = new Promise((resolve) => reader.on("exit", resolve));
    await writeFileAtomic(fifo, "through the pipe");
    await done;
    expect(got).toBe("through the pipe");
    expect(statSync(fifo).isFIFO()).toBe(true);
  });

  test("a character device (a null device made here) is written through, and stays a device", async () => {
    const node = join(dir, "null");
    // mknod needs root: where it is not permitted, /dev/null itself stands in (written, never replaced).
    const device = spawnSync("mknod", [node, "c", "1", "3"]).status === 0 ? node : "/dev/null";
    await writeFileAtomic(device, "discarded");
    writeFileAtomicSync(device, "discarded");
    expect(statSync(device).isCharacterDevice()).toBe(true);
    const link = join(dir, "to-null");
    symlinkSync(device, link);
    await writeFileAtomic(link, "discarded");
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(statSync(device).isCharacterDevice()).toBe(true);
  });

  test("a folder or a socket is refused with a usage error naming the path", async () => {
    const folder = join(dir, "a-folder");
    mkdirSync(folder);
    await expect(writeFileAtomic(folder, "x")).rejects.toThrow(
      new UsageError(
        `cannot write ${folder}: it is a folder (expected a file, a character device such as /dev/null, or a pipe)`,
      ),
    );
    const socket = join(dir, "sock");
    const server = createServer().listen(socket);
    await new Promise((resolve) => server.on("listening", resolve));
    try {
      expect(() => writeFileAtomicSync(socket, "x")).toThrow(/it is a socket/);
      expect(statSync(socket).isSocket()).toBe(true);
    } finally {
      server.close();
    }
  });
});

describe("writeFilesAtomic writes all of its outputs or none", () => {
  const disk = join(tempDir("gilsim-small-disk-"), "disk");
  const mounted = smallDisk(disk);
  afterAll(() => {
    if (mounted) spawnSync("umount", [disk]);
  });

  test.skipIf(!mounted)(
    "on a full disk: no file is replaced, no temporary file is left, the error names the output",
    async () => {
      writeFileSync(join(disk, "a.json"), "old a");
      const big = "x".repeat(100_000);
      const error = await writeFilesAtomic([
        { path: join(disk, "a.json"), data: "new a" },
        { path: join(disk, "b.csv"), data: big },
      ]).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe(`cannot write ${join(disk, "b.csv")} (no space left on the device)`);
      expect(readdirSync(disk)).toEqual(["a.json"]);
      expect(readFileSync(join(disk, "a.json"), "utf8")).toBe("old a");
    },
  );

  test("a device that fails (/dev/full) fails before any file is replaced", async () => {
    writeFileSync(join(dir, "keep.txt"), "old");
    await expect(
      writeFilesAtomic([
        { path: join(dir, "keep.txt"), data: "new" },
        { path: "/dev/full", data: "x" },
      ]),
    ).rejects.toThrow("cannot write /dev/full (no space left on the device)");
    expect(readFileSync(join(dir, "keep.txt"), "utf8")).toBe("old");
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});

describe("temporary files", () => {
  test("a temporary file left by a process that is gone is removed by the next write of the same output", async () => {
    mkdirSync(join(dir, "stale"));
    const stale = join(dir, "stale", ".out.json.999999999.0123abcd.tmp");
    const otherOutput = join(dir, "stale", ".other.json.999999999.0123abcd.tmp");
    const mine = join(dir, "stale", `.out.json.${process.pid}.0123abcd.tmp`);
    for (const f of [stale, otherOutput, mine]) writeFileSync(f, "partial");
    await writeFileAtomic(join(dir, "stale", "out.json"), "{}");
    expect(readdirSync(join(dir, "stale")).sort()).toEqual([
      `.other.json.999999999.0123abcd.tmp`,
      `.out.json.${process.pid}.0123abcd.tmp`,
      "out.json",
    ]);
  });
});
