import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { HarnessError } from "../../src/real/errors.js";
import { buildJob, type HarnessJob } from "../../src/real/job.js";
import { normalizeRealOptions } from "../../src/real/options.js";
import { harnessPath, runHarness } from "../../src/real/process.js";
import { scenario } from "../../src/scenario/scenario.js";
import type { ScenarioInput } from "../../src/scenario/schema.js";
import { tempDir } from "../temp.js";

const tmp = tempDir("gilsim-process-");

const quick = normalizeRealOptions({ calibration: { trials: 3, probeMs: 1 } });
const jobFor = (input: ScenarioInput): HarnessJob => buildJob(scenario(input), quick);
const small = jobFor({
  executor: { kind: "threads", workers: 2 },
  workload: { arrivals: { kind: "batch", count: 3 }, classes: [{ steps: [{ cpu: "2ms" }, { io: "2ms" }] }] },
});
const base = { timeoutMs: 30_000, handleSignals: false };

/** Live (not zombie) processes of a process group, from /proc. */
function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${d}/stat`, "utf8");
    } catch {
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) === pgid && fields[0] !== "Z") out.push(Number(d));
  }
  return out;
}

/**
 * The group's live members once they have had time to exit: at once on an idle machine; a starved
 * one may take a while to run the exits of processes just killed, so it waits up to 10 s.
 */
async function settle(pgid: number): Promise<number[]> {
  for (let i = 0; i < 200; i++) {
    const left = groupMembers(pgid);
    if (left.length === 0) return left;
    await new Promise((r) => setTimeout(r, 50));
  }
  return groupMembers(pgid);
}

async function failure(p: Promise<unknown>): Promise<HarnessError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(HarnessError);
  return e as HarnessError;
}

describe("runHarness", () => {
  test("harnessPath() is the harness.py shipped beside the runner", () => {
    expect(harnessPath().endsWith(join("src", "real", "harness.py"))).toBe(true);
    expect(existsSync(harnessPath())).toBe(true);
  });

  test("runHarness streams hello first and done last, every line a record, and passes each to onRecord", async () => {
    const seen: string[] = [];
    const run = await runHarness("python3", small, { ...base, onRecord: (r) => seen.push(r.type) });
    expect(run.records.map((r) => r.type)).toEqual(seen);
    expect(seen[0]).toBe("hello");
    expect(seen[1]).toBe("calibration");
    expect(seen.at(-1)).toBe("done");
    expect(seen.filter((t) => t === "task")).toHaveLength(3);
    expect(seen.filter((t) => t === "step")).toHaveLength(6);
    expect(run.pid).toBeGreaterThan(0);
    expect(run.wallNs).toBeGreaterThan(0);
  });

  test("runHarness rejects with the harness's error line when a task step raises (GILSIM_HARNESS_FAIL=error)", async () => {
    const e = await failure(runHarness("python3", small, { ...base, env: { GILSIM_HARNESS_FAIL: "error" } }));
    expect(e.reason).toBe("crash");
    expect(e.message).toContain(
      "harness failed: RuntimeError: injected failure (GILSIM_HARNESS_FAIL=error) (exit status 1)",
    );
  });

  test("runHarness reports an error raised inside a worker process", async () => {
    const job = jobFor({
      executor: { kind: "processes", workers: 1, startMethod: "fork" },
      workload: { arrivals: { kind: "batch", count: 1 }, classes: [{ steps: [{ cpu: "1ms" }] }] },
    });
    const e = await failure(runHarness("python3", job, { ...base, env: { GILSIM_HARNESS_FAIL: "error" } }));
    expect(e.message).toContain("harness failed: RuntimeError: injected failure");
    expect(await settle(e.pid ?? -1)).toEqual([]);
  });

  test("runHarness rejects a crash (abort) with the last stderr lines", async () => {
    const e = await failure(runHarness("python3", small, { ...base, env: { GILSIM_HARNESS_FAIL: "crash" } }));
    expect(e.reason).toBe("crash");
    expect(e.message).toContain("harness crashed (killed by SIGABRT) before finishing; nothing was kept");
    expect(e.stderr).toContain("injected crash (GILSIM_HARNESS_FAIL=crash)");
    expect(e.message).toContain("  | injected crash (GILSIM_HARNESS_FAIL=crash)");
  });

  test("runHarness rejects a bad job with the harness's one-line reason", async () => {
    const broken = { ...small, tasks: undefined } as unknown as HarnessJob;
    const e = await failure(runHarness("python3", broken, base));
    expect(e.message).toContain("harness failed: the job has no 'tasks' field (exit status 1)");
  });

  test("runHarness rejects output that is not harness records as a protocol failure", async () => {
    const fake = join(tmp, "fake-python");
    writeFileSync(fake, "#!/bin/sh\necho 'Python says hi'\n", { mode: 0o755 });
    const e = await failure(runHarness(fake, small, base));
    expect(e.reason).toBe("protocol");
    expect(e.message).toBe('harness wrote a line that is not JSON: "Python says hi"');
    const silent = join(tmp, "silent-python");
    writeFileSync(silent, "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    const e2 = await failure(runHarness(silent, small, base));
    expect(e2.reason).toBe("protocol");
    expect(e2.message).toBe('harness exited without a "done" record; nothing was kept');
  });

  test("runHarness kills the harness and its worker processes on a timeout, leaving no process behind", async () => {
    const job = jobFor({
      executor: { kind: "processes", workers: 2, startMethod: "fork" },
      workload: { arrivals: { kind: "batch", count: 4 }, classes: [{ steps: [{ io: "60s" }] }] },
    });
    let pid = -1;
    let during: number[] = [];
    let stop = false;
    const poll = (): void => {
      const members = pid > 0 ? groupMembers(pid) : [];
      if (members.length > during.length) during = members;
      if (!stop) setTimeout(poll, 50);
    };
    poll();
    const running = runHarness("python3", job, {
      ...base,
      // Long enough for python3 and its two workers to start on a machine at load 8.
      timeoutMs: 8000,
      onRecord: (r) => {
        if (r.type === "hello") pid = r.pid;
      },
    });
    const e = await failure(running);
    stop = true;
    expect(e.reason).toBe("timeout");
    expect(e.message).toBe(`harness timed out after 8000 ms: killed it and its process group (pid ${e.pid})`);
    expect(e.pid, "the pid of the harness's hello record").toBe(pid);
    // The harness and its two worker processes were running.
    expect(during.length, `the group's members seen before the timeout: ${during.join(", ")}`).toBeGreaterThanOrEqual(
      3,
    );
    expect(await settle(pid)).toEqual([]);
  });

  test("runHarness stops the harness when the abort signal fires", async () => {
    const job = jobFor({
      executor: { kind: "threads", workers: 1 },
      workload: { arrivals: { kind: "batch", count: 1 }, classes: [{ steps: [{ io: "60s" }] }] },
    });
    const controller = new AbortController();
    const running = runHarness("python3", job, {
      ...base,
      signal: controller.signal,
      onRecord: (r) => {
        if (r.type === "calibration") controller.abort();
      },
    });
    const e = await failure(running);
    expect(e.reason).toBe("interrupted");
    expect(e.message).toContain("harness interrupted (aborted): killed it and its process group");
    expect(await settle(e.pid ?? -1)).toEqual([]);
  });

  test("runHarness stops the harness on SIGINT and removes its signal handlers afterwards", async () => {
    const job = jobFor({
      executor: { kind: "sync" },
      workload: { arrivals: { kind: "batch", count: 1 }, classes: [{ steps: [{ block: "60s" }] }] },
    });
    const before = process.listenerCount("SIGINT");
    const running = runHarness("python3", job, {
      ...base,
      handleSignals: true,
      onRecord: (r) => {
        if (r.type === "calibration") process.emit("SIGINT");
      },
    });
    expect(process.listenerCount("SIGINT")).toBe(before + 1);
    const e = await failure(running);
    expect(e.reason).toBe("interrupted");
    expect(e.message).toContain("harness interrupted by SIGINT: killed it and its process group");
    expect(process.listenerCount("SIGINT")).toBe(before);
  });
});
