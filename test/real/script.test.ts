import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { HarnessError } from "../../src/real/errors.js";
import { runScript, scriptPath } from "../../src/real/script.js";
import { tempDir } from "../temp.js";

const dir = tempDir("gilsim-script-");

function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `import json, os, subprocess, sys, time\njob = json.loads(sys.stdin.readline())\n${body}\n`);
  return path;
}

const options = { label: "test script", timeoutMs: 10_000, handleSignals: false };

/** Whether a process with this id runs: it exists (kill 0 only checks) and is not a zombie waiting to be reaped. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

async function failure(p: Promise<unknown>): Promise<HarnessError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof HarnessError) return e;
    throw e;
  }
  throw new Error("expected a HarnessError");
}

describe("runScript", () => {
  test("runScript sends the input line and returns every JSON record after a done record", async () => {
    const path = script(
      "ok.py",
      'print(json.dumps({"type": "echo", "got": job}))\nprint(json.dumps({"type": "done"}))',
    );
    const seen: unknown[] = [];
    const run = await runScript("python3", path, { n: 3 }, { ...options, onRecord: (r) => seen.push(r) });
    expect(run.records).toEqual([{ type: "echo", got: { n: 3 } }, { type: "done" }]);
    expect(seen).toEqual(run.records);
  });

  test("runScript's Python writes no bytecode: the shipped scripts import each other and leave no __pycache__ beside them", async () => {
    const path = script(
      "bytecode.py",
      'print(json.dumps({"type": "flags", "dont": sys.dont_write_bytecode, "env": os.environ.get("PYTHONDONTWRITEBYTECODE")}))\nprint(json.dumps({"type": "done"}))',
    );
    // Whatever this shell sets: a user's usually sets nothing.
    const saved = process.env.PYTHONDONTWRITEBYTECODE;
    delete process.env.PYTHONDONTWRITEBYTECODE;
    try {
      const run = await runScript("python3", path, {}, options);
      expect(run.records[0]).toEqual({ type: "flags", dont: true, env: "1" });
    } finally {
      if (saved !== undefined) process.env.PYTHONDONTWRITEBYTECODE = saved;
    }
  });

  test("runScript rejects an error record, a crash, a line that is not JSON, and a missing done record", async () => {
    const err = await failure(
      runScript(
        "python3",
        script("err.py", 'print(json.dumps({"type": "error", "message": "boom"}))\nsys.exit(1)'),
        {},
        options,
      ),
    );
    expect([err.reason, err.message]).toEqual(["crash", "test script failed: boom (exit status 1)"]);
    const crash = await failure(
      runScript("python3", script("crash.py", 'sys.stderr.write("bad\\n")\nos.abort()'), {}, options),
    );
    expect(crash.reason).toBe("crash");
    expect(crash.message).toMatch(
      /^test script crashed \(killed by SIGABRT\) before finishing; nothing was kept\n {2}\| bad$/,
    );
    const noise = await failure(runScript("python3", script("noise.py", 'print("hello")'), {}, options));
    expect([noise.reason, noise.message]).toEqual([
      "protocol",
      'test script wrote a line that is not a JSON record: "hello"',
    ]);
    const quiet = await failure(runScript("python3", script("quiet.py", "pass"), {}, options));
    expect([quiet.reason, quiet.message]).toEqual([
      "protocol",
      'test script exited without a "done" record; nothing was kept',
    ]);
  });

  test("runScript kills the script and every process it started when the time runs out", async () => {
    const path = script(
      "hang.py",
      'child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])\nprint(json.dumps({"type": "child", "pid": child.pid}), flush=True)\ntime.sleep(60)',
    );
    let child = 0;
    const err = await failure(
      runScript(
        "python3",
        path,
        {},
        {
          ...options,
          // Long enough for python3 to start and print its child's pid on a machine at load 8.
          timeoutMs: 5000,
          onRecord: (r) => {
            child = Number(r.pid);
          },
        },
      ),
    );
    expect(err.reason).toBe("timeout");
    expect(err.message).toMatch(/^test script timed out after 5000 ms: killed it and its process group \(pid \d+\)$/);
    expect(child).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(alive(child)).toBe(false);
    expect(alive(err.pid ?? 0)).toBe(false);
  });

  test("runScript stops on an abort and says it was interrupted", async () => {
    const controller = new AbortController();
    const path = script("slow.py", 'print(json.dumps({"type": "started"}), flush=True)\ntime.sleep(60)');
    const p = runScript(
      "python3",
      path,
      {},
      {
        ...options,
        signal: controller.signal,
        onRecord: () => controller.abort(),
      },
    );
    const err = await failure(p);
    expect(err.reason).toBe("interrupted");
    expect(err.message).toMatch(/^test script interrupted \(aborted\): killed it and its process group/);
    const before = new AbortController();
    before.abort();
    const early = await failure(runScript("python3", path, {}, { ...options, signal: before.signal }));
    expect(early.reason).toBe("interrupted");
  });

  test("scriptPath points at the shipped calibration script", () => {
    expect(scriptPath("calibrate.py")).toMatch(/src\/real\/calibrate\.py$/);
  });
});
