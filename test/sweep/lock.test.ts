import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { acquireLock, folderLockOwner, LOCK_FILE, type LockOwner } from "../../src/sweep/lock.js";
import { tempDir } from "./fixtures.js";

function foreignLock(dir: string, ageMs: number, token = "theirs"): string {
  const owner: LockOwner = {
    pid: 4242,
    host: "another-node",
    boot: null,
    start: null,
    since: "2026-01-01T00:00:00.000Z",
    command: "gilsim sweep web-api --shard 2/4",
    token,
  };
  const file = join(dir, LOCK_FILE);
  writeFileSync(file, JSON.stringify(owner));
  const t = new Date(Date.now() - ageMs);
  utimesSync(file, t, t);
  return file;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("acquireLock", () => {
  test("acquireLock writes who holds the lock, and release removes it", async () => {
    const dir = tempDir();
    const lock = await acquireLock(dir, { command: "gilsim sweep t" });
    const owner = JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8")) as LockOwner;
    expect(owner).toMatchObject({ pid: process.pid, host: hostname(), command: "gilsim sweep t" });
    expect(folderLockOwner(dir)).toEqual({ owner, alive: true });
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    expect(folderLockOwner(dir)).toBeNull();
  });

  test("acquireLock takes over at once the lock of another host whose heartbeat stopped long ago", async () => {
    const dir = tempDir();
    foreignLock(dir, 120_000);
    const lock = await acquireLock(dir, { staleMs: 60_000 });
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8")).pid).toBe(process.pid);
    lock.release();
  });

  test("acquireLock waits on another host's recent lock, and refuses it once its heartbeat is seen", async () => {
    const dir = tempDir();
    const file = foreignLock(dir, 0);
    const beating = setInterval(() => {
      const t = new Date();
      utimesSync(file, t, t);
    }, 20);
    const waits: string[] = [];
    try {
      await expect(acquireLock(dir, { staleMs: 2_000, onWait: (owner) => waits.push(owner.host) })).rejects.toThrow(
        `${dir} is in use by another gilsim sweep web-api --shard 2/4 (pid 4242 on another-node, since 2026-01-01T00:00:00.000Z); wait for it to end, stop it, or use another --out`,
      );
    } finally {
      clearInterval(beating);
    }
    expect(waits).toEqual(["another-node"]);
  });

  test("acquireLock takes over another host's recent lock when no heartbeat comes for staleMs (a crashed node)", async () => {
    const dir = tempDir();
    foreignLock(dir, 0);
    const lock = await acquireLock(dir, { staleMs: 300 });
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8")).pid).toBe(process.pid);
    lock.release();
  });

  test("a held lock's heartbeat refreshes its time, and tells the holder when another process took it over", async () => {
    const dir = tempDir();
    const lost: (string | undefined)[] = [];
    const lock = await acquireLock(dir, { heartbeatMs: 20, onLost: (owner) => lost.push(owner?.host) });
    const file = join(dir, LOCK_FILE);
    const old = new Date(Date.now() - 60_000);
    utimesSync(file, old, old);
    await sleep(200);
    expect(Date.now() - statSync(file).mtimeMs).toBeLessThan(30_000);
    foreignLock(dir, 0);
    await sleep(200);
    expect(lost).toEqual(["another-node"]);
    // Release leaves the other process's lock alone.
    lock.release();
    expect(JSON.parse(readFileSync(file, "utf8")).host).toBe("another-node");
  });
});
