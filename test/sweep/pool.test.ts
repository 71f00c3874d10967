import { execFileSync } from "node:child_process";
import { describe, expect, test } from "vitest";
import { parseScenario } from "../../src/scenario/scenario.js";
import { evaluate } from "../../src/sweep/evaluate.js";
import { createRunner, InlineRunner, WorkerPool } from "../../src/sweep/pool.js";
import { tsxLaunch, workerLaunch } from "../../src/sweep/worker-code.js";
import { tinyScenario } from "./fixtures.js";

/** Whether a process is still running. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `check` every 20 ms until it holds or `ms` pass; whether it held. */
async function eventually(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

describe("WorkerPool", () => {
  test("workers start from the esbuild bundle (written to their stdin), not through tsx", () => {
    const launch = workerLaunch();
    expect(launch.source).toContain('process.on("disconnect"');
    expect(launch.args).toEqual(["--single-threaded-gc", "--input-type=module", "-"]);
    expect(tsxLaunch().source).toBeNull();
  });

  test.each([
    ["the bundled worker", workerLaunch],
    ["worker.ts through tsx", tsxLaunch],
  ])("WorkerPool runs jobs in worker processes (%s) with the same results as the calling thread", async (_, launch) => {
    const scenario = parseScenario(tinyScenario());
    const pool = new WorkerPool(2, launch);
    try {
      const seeds = [1, 2, 3, 4, 5];
      const got = await Promise.all(seeds.map((seed) => pool.run({ scenario, seed, replications: 1 })));
      const want = seeds.map((seed) => {
        const r = evaluate({ id: 0, scenario, seed, replications: 1 });
        return r.state === "done" ? r.outcome : null;
      });
      expect(got).toEqual(want);
    } finally {
      await pool.close();
    }
  });

  test("WorkerPool rejects a failed job with its message and keeps serving the others", async () => {
    const scenario = parseScenario(tinyScenario());
    const pool = new WorkerPool(1);
    try {
      await expect(pool.run({ scenario, seed: 1, replications: 0 })).rejects.toThrow(
        "invalid replications: 0 (expected a positive integer)",
      );
      await expect(pool.run({ scenario, seed: 1, replications: 1 })).resolves.toHaveProperty("summary.throughput");
    } finally {
      await pool.close();
    }
  });

  test("WorkerPool refuses work after close and a size below 1", async () => {
    const pool = new WorkerPool(1);
    await pool.close();
    await expect(pool.run({ scenario: parseScenario(tinyScenario()), seed: 1, replications: 1 })).rejects.toThrow(
      "the worker pool is closed",
    );
    expect(() => new WorkerPool(0)).toThrow("invalid workers: 0 (expected a positive integer)");
  });

  test("a worker that dies fails its jobs with how it stopped, and the pool goes on with a new one", async () => {
    const scenario = parseScenario(tinyScenario());
    const pool = new WorkerPool(1);
    try {
      const doomed = pool.run({ scenario, seed: 1, replications: 1 });
      const [pid] = pool.pids;
      expect(pid).toBeDefined();
      process.kill(pid as number, "SIGKILL");
      await expect(doomed).rejects.toThrow("a sweep worker stopped with signal SIGKILL");
      await expect(pool.run({ scenario, seed: 1, replications: 1 })).resolves.toHaveProperty("summary.throughput");
      expect(pool.pids).not.toContain(pid);
    } finally {
      await pool.close();
    }
  });

  test("a worker that cannot start fails every job with its exit code and what it printed", async () => {
    const scenario = parseScenario(tinyScenario());
    const pool = new WorkerPool(2, () => ({ args: ["--no-such-gilsim-flag", "-"], source: "" }));
    try {
      const results = await Promise.allSettled(
        [1, 2, 3, 4, 5, 6].map((seed) => pool.run({ scenario, seed, replications: 1 })),
      );
      for (const r of results) {
        expect(r.status).toBe("rejected");
        const message = (r as PromiseRejectedResult).reason.message as string;
        // Not "write EPIPE" from the job sent to a dead worker: the exit code and the stderr line.
        expect(message).toMatch(/^a sweep worker stopped with exit code 9: .*bad option: --no-such-gilsim-flag$/);
      }
    } finally {
      await pool.close();
    }
  });

  test("close ends every worker process", async () => {
    const scenario = parseScenario(tinyScenario());
    const pool = new WorkerPool(2);
    await Promise.all([1, 2, 3, 4].map((seed) => pool.run({ scenario, seed, replications: 1 })));
    const pids = pool.pids;
    expect(pids).toHaveLength(2);
    await pool.close();
    expect(pids.filter(alive)).toEqual([]);
  });

  test("worker processes exit when the main process ends without closing the pool", async () => {
    const script = `
      import { WorkerPool } from ${JSON.stringify(new URL("../../src/sweep/pool.ts", import.meta.url).href)};
      import { parseScenario } from ${JSON.stringify(new URL("../../src/scenario/scenario.ts", import.meta.url).href)};
      const pool = new WorkerPool(2);
      const scenario = parseScenario(${JSON.stringify(tinyScenario())});
      await Promise.all([1, 2, 3].map((seed) => pool.run({ scenario, seed, replications: 1 })));
      console.log(JSON.stringify(pool.pids));
      process.exit(0);
    `;
    const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
    });
    const pids = JSON.parse(out.trim().split("\n").pop() as string) as number[];
    expect(pids).toHaveLength(2);
    expect(await eventually(() => pids.every((pid) => !alive(pid)), 5000)).toBe(true);
  });
});

describe("createRunner", () => {
  test("createRunner runs on the calling thread for 0 workers, else on a pool of that size", async () => {
    const inline = createRunner(0);
    expect(inline).toBeInstanceOf(InlineRunner);
    const pool = createRunner(3);
    expect(pool).toBeInstanceOf(WorkerPool);
    expect(pool.size).toBe(3);
    await pool.close();
  });
});
