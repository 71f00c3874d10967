import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { dealShard, partRange, SPLIT, TOLERANCE, type Unit } from "../../src/sweep/deal.js";

function unitsOf(work: ReturnType<typeof dealShard>): Unit[] {
  return Array.from({ length: work.count }, (_, u) => work.unit(u));
}

const sweeps = fc
  .array(fc.record({ cost: fc.integer({ min: 1, max: 10_000 }), reps: fc.integer({ min: 1, max: 12 }) }), {
    minLength: 1,
    maxLength: 60,
  })
  .map((points) => ({
    costs: Float64Array.from(points, (p) => p.cost),
    reps: Float64Array.from(points, (p) => p.reps),
  }));

describe("dealShard", () => {
  test("dealShard's N shards hold every replication of every point exactly once, for any costs and N", () => {
    fc.assert(
      fc.property(sweeps, fc.integer({ min: 1, max: 12 }), ({ costs, reps }, n) => {
        const seen = Array.from(reps, (r) => new Uint8Array(r));
        for (let k = 1; k <= n; k++) {
          for (const { index, from, to } of unitsOf(dealShard(costs, reps, { k, n }))) {
            expect(to).toBeGreaterThan(from);
            const marks = seen[index] as Uint8Array;
            for (let j = from; j < to; j++) marks[j] = (marks[j] ?? 0) + 1;
          }
        }
        for (const s of seen) expect([...s].every((c) => c === 1)).toBe(true);
      }),
    );
  });

  test("dealShard ends every shard within one unit of the fair share, and the loads add up to the total", () => {
    fc.assert(
      fc.property(sweeps, fc.integer({ min: 2, max: 12 }), ({ costs, reps }, n) => {
        const work = dealShard(costs, reps, { k: 1, n });
        const total = costs.reduce((a, b) => a + b, 0);
        expect(work.total).toBe(total);
        expect([...work.loads].reduce((a, b) => a + b, 0)).toBeCloseTo(total, 6);
        // Greedy dealing, costliest first: no shard exceeds the fair share by more than its last unit.
        let largestUnit = 0;
        for (let k = 1; k <= n; k++) {
          for (const u of unitsOf(dealShard(costs, reps, { k, n }))) {
            largestUnit = Math.max(
              largestUnit,
              ((costs[u.index] as number) * (u.to - u.from)) / (reps[u.index] as number),
            );
          }
        }
        expect(Math.max(...work.loads)).toBeLessThanOrEqual(total / n + largestUnit + 1e-6);
      }),
    );
  });

  test("dealShard cuts points, heavier than a fair share / SPLIT, into parts no heavier where replications allow, only when that ends sooner", () => {
    fc.assert(
      fc.property(sweeps, fc.integer({ min: 2, max: 12 }), ({ costs, reps }, n) => {
        const total = costs.reduce((a, b) => a + b, 0);
        const limit = total / n / SPLIT;
        const parts = new Map<number, Unit[]>();
        for (let k = 1; k <= n; k++) {
          for (const u of unitsOf(dealShard(costs, reps, { k, n }))) {
            parts.set(u.index, [...(parts.get(u.index) ?? []), u]);
          }
        }
        const work = dealShard(costs, reps, { k: 1, n });
        const cut = [...parts.values()].filter((list) => list.length > 1).length;
        expect(work.split).toBe(cut);
        // Whole points dealt greedily, costliest first (ties in grid order), to the least loaded shard.
        const loads = new Array<number>(n).fill(0);
        const byCost = [...costs.keys()].sort((a, b) => (costs[b] as number) - (costs[a] as number) || a - b);
        for (const i of byCost) {
          const least = loads.indexOf(Math.min(...loads));
          loads[least] = (loads[least] as number) + (costs[i] as number);
        }
        const wholeMax = Math.max(...loads);
        if (cut === 0) {
          expect(Math.max(...work.loads)).toBeCloseTo(wholeMax, 6);
          return;
        }
        expect(wholeMax).toBeGreaterThan((total / n) * (1 + TOLERANCE));
        expect(Math.max(...work.loads)).toBeLessThan(wholeMax);
        for (const [i, list] of parts) {
          const cost = costs[i] as number;
          const r = reps[i] as number;
          if (cost <= limit || r === 1) expect(list).toEqual([{ index: i, from: 0, to: r }]);
          else expect(list.length).toBe(Math.min(r, Math.ceil(cost / limit)));
        }
      }),
    );
  });

  test("dealShard deals whole points when they balance within TOLERANCE, and cuts them when too few for the shards", () => {
    const six = new Float64Array(6).fill(1);
    const reps = new Float64Array(6).fill(2);
    expect(dealShard(six, reps, { k: 1, n: 2 }).split).toBe(0);
    expect(dealShard(six, reps, { k: 1, n: 3 }).split).toBe(0);
    // 6 points on 4 shards: 2, 2, 1, 1 whole (33% above the fair 1.5); cut in halves, 1.5 each.
    const four = dealShard(six, reps, { k: 1, n: 4 });
    expect(four.split).toBe(6);
    expect([...four.loads]).toEqual([1.5, 1.5, 1.5, 1.5]);
    expect(TOLERANCE).toBe(0.1);
  });

  test("dealShard gives a shard its units costliest first, ties in grid order", () => {
    const costs = Float64Array.from([5, 9, 5, 1, 9]);
    const reps = Float64Array.from([1, 1, 1, 1, 1]);
    expect(unitsOf(dealShard(costs, reps, null)).map((u) => u.index)).toEqual([1, 4, 0, 2, 3]);
    expect(dealShard(costs, reps, null).split).toBe(0);
  });

  test("dealShard balances a grid with one heavy corner that round-robin dealing leaves on one shard", () => {
    // 24 points, 8 replications each; the last point costs 40 times as much as each other.
    const costs = Float64Array.from({ length: 24 }, (_, i) => (i === 23 ? 40 : 1));
    const reps = new Float64Array(24).fill(8);
    const total = 63;
    const roundRobin = Math.max(
      ...[0, 1, 2, 3].map((k) => [...costs].filter((_, i) => i % 4 === k).reduce((a, b) => a + b, 0)),
    );
    expect(roundRobin / total).toBeCloseTo(45 / 63, 6);
    const work = dealShard(costs, reps, { k: 1, n: 4 });
    expect(work.split).toBe(1);
    expect(Math.max(...work.loads) / total).toBeLessThanOrEqual(0.26);
  });
});

describe("partRange", () => {
  test("partRange cuts r replications into m runs of consecutive replications, the first r mod m one longer", () => {
    expect([0, 1, 2].map((j) => partRange(8, 3, j))).toEqual([
      { from: 0, to: 3 },
      { from: 3, to: 6 },
      { from: 6, to: 8 },
    ]);
  });
});
