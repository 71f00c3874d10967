import type { Shard } from "./shard.js";

/** Replications [from, to) of grid point `index`; a whole point when they are all of its replications. */
export interface Unit {
  index: number;
  from: number;
  to: number;
}

/**
 * When dealing whole points leaves the largest shard more than TOLERANCE above the fair share
 * (a heavy corner of the grid, or few points for many shards), the points heavier than a fair
 * share / SPLIT are cut into parts of whole replications, each at most that heavy where the
 * replications allow, and the cut deal is kept if it ends sooner. Greedy dealing ends every shard
 * within one unit of the fair share, so with units this small no shard ends more than a quarter
 * later than a perfect division would.
 */
export const SPLIT = 4;
export const TOLERANCE = 0.1;

/** One shard's part of a sweep, and how the whole sweep was dealt. */
export interface ShardWork {
  /** How many units the shard has. */
  readonly count: number;
  /** The shard's unit `u`: costliest first (ties in grid order), so its own workers end together too. */
  unit(u: number): Unit;
  /** Estimated cost of each shard's units (shard k at k - 1), in the units of `costs`. */
  readonly loads: Float64Array;
  /** Estimated cost of the whole sweep. */
  readonly total: number;
  /** Points of the whole sweep run in more than one part. */
  readonly split: number;
}

/** Replications [from, to) of part `j` of `m` of a point with `r` replications: the first r mod m parts get one more. */
export function partRange(r: number, m: number, j: number): { from: number; to: number } {
  const q = Math.floor(r / m);
  const extra = r % m;
  const from = j * q + Math.min(j, extra);
  return { from, to: from + q + (j < extra ? 1 : 0) };
}

/**
 * Deals a sweep's points to `shard.n` shards by estimated cost (`costs[i]`: point i with all its
 * `replications[i]`) and returns shard `shard.k`'s part; null is the whole sweep in one shard.
 *
 * The units, costliest first (ties in grid order), each go to the shard with the least cost so
 * far (ties to the lowest shard): longest-processing-time-first, which ends every shard within
 * one unit of the fair share. Whole points are dealt first; heavy points are cut into parts only
 * when that is needed (see SPLIT). Everything depends only on the costs and N, so every shard
 * computes the same deal on its own. Results do not depend on it: a point's replications have
 * their own seeds, whatever the part they run in.
 */
export function dealShard(costs: Float64Array, replications: Float64Array, shard: Shard | null): ShardWork {
  const n = shard?.n ?? 1;
  let total = 0;
  for (const c of costs) total += c;
  const share = total / n;
  let deal = dealUnits(costs, replications, new Map(), n);
  if (n > 1 && maxOf(deal.loads) > share * (1 + TOLERANCE)) {
    const limit = share / SPLIT;
    const parts = new Map<number, number>();
    costs.forEach((c, i) => {
      const r = replications[i] as number;
      if (r > 1 && c > limit) parts.set(i, Math.min(r, Math.ceil(c / limit)));
    });
    const cut = dealUnits(costs, replications, parts, n);
    if (maxOf(cut.loads) < maxOf(deal.loads)) deal = cut;
  }
  const k = shard === null ? 0 : shard.k - 1;
  const mine: number[] = [];
  for (const v of deal.order) if (deal.shardOf[v] === k) mine.push(v);
  const chosen = Uint32Array.from(mine);
  const unit = (u: number): Unit => {
    const v = chosen[u];
    if (v === undefined) throw new RangeError(`invalid unit: ${u} (the shard has ${chosen.length})`);
    const index = deal.unitIndex[v] as number;
    const m = deal.parts.get(index) ?? 1;
    return { index, ...partRange(replications[index] as number, m, deal.unitPart[v] as number) };
  };
  return { count: chosen.length, unit, loads: deal.loads, total, split: deal.parts.size };
}

function maxOf(values: Float64Array): number {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  return max;
}

interface Deal {
  parts: Map<number, number>;
  unitIndex: Uint32Array;
  unitPart: Uint32Array;
  /** The units, costliest first. */
  order: Uint32Array;
  /** The shard (from 0) of each unit. */
  shardOf: Uint32Array;
  loads: Float64Array;
}

/** Deals the units (each point whole, or in `parts.get(i)` parts) to n shards, costliest first. */
function dealUnits(costs: Float64Array, replications: Float64Array, parts: Map<number, number>, n: number): Deal {
  let count = costs.length;
  for (const m of parts.values()) count += m - 1;
  const unitIndex = new Uint32Array(count);
  const unitPart = new Uint32Array(count);
  const unitCost = new Float64Array(count);
  let u = 0;
  costs.forEach((c, i) => {
    const m = parts.get(i) ?? 1;
    const r = replications[i] as number;
    for (let j = 0; j < m; j++) {
      const { from, to } = partRange(r, m, j);
      unitIndex[u] = i;
      unitPart[u] = j;
      unitCost[u] = m === 1 ? c : (c * (to - from)) / r;
      u++;
    }
  });
  const order = new Uint32Array(count);
  for (let v = 0; v < count; v++) order[v] = v;
  order.sort((a, b) => (unitCost[b] as number) - (unitCost[a] as number) || a - b);
  const loads = new Float64Array(n);
  const shardOf = new Uint32Array(count);
  const heap = new ShardHeap(loads);
  for (const v of order) {
    const k = heap.popLeast();
    shardOf[v] = k;
    loads[k] = (loads[k] as number) + (unitCost[v] as number);
    heap.push(k);
  }
  return { parts, unitIndex, unitPart, order, shardOf, loads };
}

/** A binary min-heap of shard numbers keyed by (load, shard number). */
class ShardHeap {
  private readonly heap: number[] = [];

  constructor(private readonly loads: Float64Array) {
    for (let k = 0; k < loads.length; k++) this.heap.push(k);
  }

  private less(a: number, b: number): boolean {
    const la = this.loads[a] as number;
    const lb = this.loads[b] as number;
    return la < lb || (la === lb && a < b);
  }

  popLeast(): number {
    const h = this.heap;
    const top = h[0] as number;
    const last = h.pop() as number;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l] as number, h[m] as number)) m = l;
        if (r < h.length && this.less(h[r] as number, h[m] as number)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as number, h[i] as number];
        i = m;
      }
    }
    return top;
  }

  push(k: number): void {
    const h = this.heap;
    h.push(k);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i] as number, h[p] as number)) break;
      [h[i], h[p]] = [h[p] as number, h[i] as number];
      i = p;
    }
  }
}
