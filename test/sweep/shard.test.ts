import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { formatShard, inShard, parseShard, shardIndices, shardSize } from "../../src/sweep/shard.js";

describe("parseShard", () => {
  test("parseShard reads K/N", () => {
    expect(parseShard("2/4")).toEqual({ k: 2, n: 4 });
    expect(parseShard(" 1 / 1 ")).toEqual({ k: 1, n: 1 });
    expect(formatShard({ k: 2, n: 4 })).toBe("2/4");
  });

  test("parseShard rejects K outside 1..N and malformed text", () => {
    for (const bad of ["0/2", "3/2", "1/0", "2", "a/b", "1/2/3", "-1/2"]) {
      expect(() => parseShard(bad), bad).toThrow(`invalid --shard: ${bad} (expected K/N with 1 <= K <= N, like 2/4)`);
    }
  });
});

describe("shardIndices", () => {
  test("shardIndices of the N shards cover every point exactly once, for any grid and N", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 40 }), (size, n) => {
        const count = new Uint8Array(size);
        for (let k = 1; k <= n; k++) {
          const shard = { k, n };
          const indices = [...shardIndices(size, shard)];
          expect(indices.length).toBe(shardSize(size, shard));
          for (const i of indices) {
            expect(inShard(i, shard)).toBe(true);
            count[i] = (count[i] ?? 0) + 1;
          }
        }
        expect(count.every((c) => c === 1)).toBe(true);
      }),
    );
  });

  test("shardIndices without a shard gives the whole grid in order", () => {
    expect([...shardIndices(4, null)]).toEqual([0, 1, 2, 3]);
    expect(shardSize(4, null)).toBe(4);
  });
});
