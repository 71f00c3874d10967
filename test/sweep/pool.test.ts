import { describe, expect, test } from "vitest";
import { parseScenario } from "../../src/scenario/scenario.js";
import { evaluate } from "../../src/sweep/evaluate.js";
import { createRunner, InlineRunner, ThreadPool } from "../../src/sweep/pool.js";
import { tinyScenario } from "./fixtures.js";

describe("ThreadPool", () => {
  test("ThreadPool runs jobs on worker threads with the same results as the calling thread", async () => {
    const scenario = parseScenario(tinyScenario());
    const pool = new ThreadPool(2);
    try {
      const seeds = [1, 2, 3, 4, 5];
      const got = await Promise.all(seeds.map((seed) => pool.run({ scenario, seed, replications: 1 })));
      const want = seeds.map((seed) => {
        const r = evaluate({ id: 0, scenario, seed, replications: 1 });
        return r.state === "done" ? r.summary : null;
      });
      expect(got).toEqual(want);
    } finally {
      await pool.close();
    }
  });

  test("ThreadPool rejects a failed job with its message and keeps serving the others", async () => {
    const scenario = parseScenario(tinyScenario());
    const pool = new ThreadPool(1);
    try {
      await expect(pool.run({ scenario, seed: 1, replications: 0 })).rejects.toThrow(
        "invalid replications: 0 (expected a positive integer)",
      );
      await expect(pool.run({ scenario, seed: 1, replications: 1 })).resolves.toHaveProperty("throughput");
    } finally {
      await pool.close();
    }
  });

  test("ThreadPool refuses work after close and a size below 1", async () => {
    const pool = new ThreadPool(1);
    await pool.close();
    await expect(pool.run({ scenario: parseScenario(tinyScenario()), seed: 1, replications: 1 })).rejects.toThrow(
      "the worker pool is closed",
    );
    expect(() => new ThreadPool(0)).toThrow("invalid workers: 0 (expected a positive integer)");
  });
});

describe("createRunner", () => {
  test("createRunner runs on the calling thread for 0 workers, else on a pool of that size", async () => {
    const inline = createRunner(0);
    expect(inline).toBeInstanceOf(InlineRunner);
    const pool = createRunner(3);
    expect(pool).toBeInstanceOf(ThreadPool);
    expect(pool.size).toBe(3);
    await pool.close();
  });
});
