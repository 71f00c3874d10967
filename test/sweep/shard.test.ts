import { describe, expect, test } from "vitest";
import { ENGINES, formatShard, parseShard, shardFromEnv } from "../../src/sweep/shard.js";

describe("parseShard", () => {
  test("parseShard reads K/N", () => {
    expect(parseShard("2/4")).toEqual({ k: 2, n: 4 });
    expect(parseShard(" 1 / 1 ")).toEqual({ k: 1, n: 1 });
    expect(formatShard({ k: 2, n: 4 })).toBe("2/4");
  });

  test("parseShard rejects K outside 1..N and malformed text", () => {
    for (const bad of ["0/2", "3/2", "1/0", "2", "a/b", "1/2/3", "-1/2"]) {
      expect(() => parseShard(bad), bad).toThrow(
        `invalid --shard: ${bad} (expected K/N with 1 <= K <= N, like 2/4, or auto)`,
      );
    }
  });
});

describe("shardFromEnv", () => {
  test("shardFromEnv numbers a Slurm array's tasks from its first index, whatever it is, and by its step", () => {
    // What Slurm 22.05 set for `sbatch --array=0-3` and `--array=1-4` (checked on a real slurmd).
    const array = (id: number, min: number, max: number, step = 1) => ({
      SLURM_ARRAY_TASK_ID: String(id),
      SLURM_ARRAY_TASK_MIN: String(min),
      SLURM_ARRAY_TASK_MAX: String(max),
      SLURM_ARRAY_TASK_STEP: String(step),
      SLURM_ARRAY_TASK_COUNT: String(Math.floor((max - min) / step) + 1),
    });
    expect([0, 1, 2, 3].map((id) => shardFromEnv(array(id, 0, 3)).shard)).toEqual([
      { k: 1, n: 4 },
      { k: 2, n: 4 },
      { k: 3, n: 4 },
      { k: 4, n: 4 },
    ]);
    expect(shardFromEnv(array(1, 1, 4)).shard).toEqual({ k: 1, n: 4 });
    expect(shardFromEnv(array(4, 1, 4))).toEqual({ shard: { k: 4, n: 4 }, source: "SLURM_ARRAY_TASK_ID=4 of 1-4" });
    expect(shardFromEnv(array(7, 5, 8)).shard).toEqual({ k: 3, n: 4 });
    expect(shardFromEnv(array(5, 1, 7, 2)).shard).toEqual({ k: 3, n: 4 });
  });

  test("shardFromEnv refuses a Slurm array with gaps, or without its bounds, naming what to do", () => {
    // `sbatch --array=1,3,7` gives MIN 1, MAX 7, STEP 1, COUNT 3.
    const gaps = {
      SLURM_ARRAY_TASK_ID: "3",
      SLURM_ARRAY_TASK_MIN: "1",
      SLURM_ARRAY_TASK_MAX: "7",
      SLURM_ARRAY_TASK_STEP: "1",
      SLURM_ARRAY_TASK_COUNT: "3",
    };
    expect(() => shardFromEnv(gaps)).toThrow(
      "--shard auto: the Slurm array 1-7 has 3 tasks, not 7: its indices have gaps, so they do not number the shards; submit a range like --array=0-2, or give --shard K/N",
    );
    expect(() => shardFromEnv({ SLURM_ARRAY_TASK_ID: "3", SLURM_ARRAY_TASK_COUNT: "4" })).toThrow(
      "--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_MIN is not",
    );
  });

  test("shardFromEnv turns each cloud engine's 0-based index and count into shard K/N", () => {
    for (const engine of ENGINES) {
      expect(shardFromEnv({ [engine.index]: "0", [engine.count]: "3" })).toEqual({
        shard: { k: 1, n: 3 },
        source: `${engine.index}=0 of ${engine.count}=3`,
      });
      expect(shardFromEnv({ [engine.index]: "2", [engine.count]: "3" }).shard).toEqual({ k: 3, n: 3 });
      expect(() => shardFromEnv({ [engine.index]: "3", [engine.count]: "3" })).toThrow(
        `--shard auto: ${engine.index}=3 does not fit ${engine.count}=3 (expected an index from 0 to the count - 1)`,
      );
    }
  });

  test("shardFromEnv names the variable to set when a count is missing, and every index when none is set", () => {
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: "1" })).toThrow(
      "--shard auto: JOB_COMPLETION_INDEX is set but GILSIM_SHARD_COUNT is not: set it to the Job's completions",
    );
    expect(() => shardFromEnv({ AWS_BATCH_JOB_ARRAY_INDEX: "1" })).toThrow(
      "--shard auto: AWS_BATCH_JOB_ARRAY_INDEX is set but AWS_BATCH_JOB_ARRAY_SIZE is not",
    );
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: "x", GILSIM_SHARD_COUNT: "2" })).toThrow(
      "invalid JOB_COMPLETION_INDEX: x (expected a non-negative integer)",
    );
    expect(() => shardFromEnv({})).toThrow(
      "--shard auto: no array index in the environment (expected one of SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX, BATCH_TASK_INDEX, CLOUD_RUN_TASK_INDEX); or give --shard K/N",
    );
  });
});
