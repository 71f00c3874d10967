// The recorder (src/capture/py/gilsim_record.py) in real CPython, on the cases its hand-written
// output and its bookkeeping could get wrong: a sleep keeps the time asked for, a name with quotes,
// a backslash and non-ASCII round-trips, a GIL-holding call is timed by wall time alone, and a pool
// task that runs asyncio itself (asyncio.run, or a coroutine sent to another thread's loop) keeps
// its own thread's CPU clock. The recording must parse as a whole: one bad line loses it all.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { recorderDir } from "../../src/capture/record.js";
import { mainProcess, parseRecording, type RecordedTask } from "../../src/capture/recording.js";
import { hasPython } from "../python.js";
import { tempDir } from "../temp.js";

const PROGRAM = String.raw`
import asyncio, hashlib, json, threading, time
from concurrent.futures import ThreadPoolExecutor
import gilsim_record

def spin(n):
    x = 0
    for i in range(n):
        x += i
    return x

def sleepy():
    time.sleep(0.02)

def aio_in_thread():
    async def main():
        spin(300_000)             # the task's CPU, in the first callback
        await asyncio.sleep(0.002)
    asyncio.run(main())

loop = asyncio.new_event_loop()
threading.Thread(target=loop.run_forever, daemon=True).start()

async def remote():
    spin(300_000)                 # on the loop's thread, not the pool's
    hashlib.sha256(b"x" * 100_000).digest()

def via_threadsafe():
    asyncio.run_coroutine_threadsafe(remote(), loop).result()

with ThreadPoolExecutor(2) as pool:
    for f in (sleepy, aio_in_thread, via_threadsafe):
        pool.submit(f).result()

with gilsim_record.task('we"ird \\ näme ✓'):
    json.loads('{"k": [1, 2, 3]}')
`;

const FORKING = `
import json, os, sys, time, multiprocessing
import gilsim_record

def work():
    with gilsim_record.task("process-child"):
        time.sleep(0.001)

if __name__ == "__main__":
    with gilsim_record.task("parent-before"):
        json.dumps({"a": 1})
    pid = os.fork()
    if pid == 0:
        with gilsim_record.task("child"):
            time.sleep(0.01)
        sys.exit(0)
    os.waitpid(pid, 0)
    with gilsim_record.task("parent-outer"):
        pid = os.fork()          # forked inside a task: the child leaves that task's with-block
        if pid == 0:
            with gilsim_record.task("child-inner"):
                pass
            sys.exit(0)
        os.waitpid(pid, 0)
    p = multiprocessing.get_context("fork").Process(target=work)  # ends with os._exit
    p.start()
    p.join()
`;

describe.skipIf(!hasPython())("the recorder in CPython", () => {
  const dir = tempDir("gilsim-recorder-");
  const out = join(dir, "rec.jsonl");
  const script = join(dir, "program.py");

  function tasks(): RecordedTask[] {
    writeFileSync(script, PROGRAM);
    execFileSync("python3", [script], {
      env: { ...process.env, PYTHONPATH: recorderDir(), GILSIM_RECORD: out },
      stdio: "ignore",
      timeout: 60_000,
    });
    return mainProcess(parseRecording(readFileSync(out, "utf8"), out)).tasks;
  }

  it.skipIf(process.platform === "win32")(
    "a forked child records as a process of its own, without the parent's unwritten lines or its task in progress, also when it ends with os._exit",
    {
      timeout: 60_000,
    },
    () => {
      const forkOut = join(dir, "fork.jsonl");
      const forkScript = join(dir, "forking.py");
      writeFileSync(forkScript, FORKING);
      execFileSync("python3", [forkScript], {
        env: { ...process.env, PYTHONPATH: recorderDir(), GILSIM_RECORD: forkOut },
        stdio: "ignore",
        timeout: 30_000,
      });
      const { processes } = parseRecording(readFileSync(forkOut, "utf8"), forkOut);
      expect(processes).toHaveLength(4);
      expect(new Set(processes.map((p) => p.header.pid)).size).toBe(4);
      const names = processes.map((p) => p.tasks.map((t) => t.name).sort());
      expect(names).toEqual(
        expect.arrayContaining([["parent-before", "parent-outer"], ["child"], ["child-inner"], ["process-child"]]),
      );
      for (const p of processes) {
        for (const t of p.tasks) expect(t.pid).toBe(p.header.pid);
        expect(p.duration).not.toBeNull(); // each wrote its footer
      }
    },
  );

  it("writes lines that parse, with the sleep asked for, an odd name intact and a thread task's own CPU", {
    timeout: 90_000,
  }, () => {
    const all = tasks();
    const byName = (name: string) => all.find((t) => t.name === name) as RecordedTask;
    expect(all.map((t) => t.name).sort()).toEqual(["aio_in_thread", "sleepy", "via_threadsafe", 'we"ird \\ näme ✓']);

    const sleep = byName("sleepy").segs.find((s) => s.cls === "s");
    expect(sleep?.n).toBe(20_000_000); // the requested 20 ms, in ns
    expect(sleep?.wall).toBeGreaterThanOrEqual(20_000_000);

    // asyncio.run inside a pool task: the spin is the task's CPU (on its own thread), and the
    // loop's callbacks are not taken for an asyncio task's runs.
    const aio = byName("aio_in_thread");
    const spinCpu = aio.cpu;
    expect(spinCpu).toBeGreaterThan(3_000_000); // 300k additions: tens of ms here, never under 3
    expect(aio.segs.some((s) => s.cls === "run")).toBe(false);

    // A coroutine run on another thread's loop: its hash is kept, but its c0 cannot be read
    // against this task's clock, and the task's CPU is its own thread's (it mostly waited).
    const remote = byName("via_threadsafe");
    expect(remote.cpu).toBeGreaterThanOrEqual(0);
    expect(remote.cpu).toBeLessThan(spinCpu);
    const hash = remote.segs.find((s) => s.label === "hashlib");
    expect(hash?.cls).toBe("r");
    expect(hash?.cpu).toBeGreaterThan(0);
    expect(hash?.c0).toBe(-1);

    // A GIL-holding call: wall time only.
    const held = byName('we"ird \\ näme ✓').segs.find((s) => s.label === "json");
    expect(held?.cls).toBe("h");
    expect(held?.cpu).toBe(-1);
    expect(held?.c0).toBe(-1);
    expect(held?.wall).toBeGreaterThan(0);
  });
});
