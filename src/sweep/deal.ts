import type { Shard } from "./shard.js";

/** Replications [from, to) of grid point `index`; a whole point when they are all of its replications. */
export interface Unit {
  index: number;
  from: number;
  to: number;
}

/**
 * A point whose estimated cost is above 1/SPLIT of a shard's fair share is run in parts of whole
 * replications, each at most that big where its replications allow. Greedy dealing then ends every
 * shard within one unit of the fair share, so with units this small no shard ends more than a
 * quarter later than it would if the work divided perfectly.
 */
export const SPLIT = 4;

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
 * Points heavier than a fair share / SPLIT are cut into parts of whole replications. The units,
 * costliest first (ties in grid order), then each go to the shard with the least cost so far
 * (ties to the lowest shard): longest-processing-time-first, which ends every shard within one
 * unit of the fair share. Everything depends only on the costs and N, so every shard computes the
 * same deal on its own. Results do not depend on it: a point's replications have their own seeds,
 * whatever the part they run in.
 */
export function dealShard(costs: Float64Array, replications: Float64Array, shard: Shard | null): ShardWork {
  const size = costs.length;
  const n = shard?.n ?? 1;
  let total = 0;
  for (let i = 0; i < size; i++) total += costs[i] as number;
  const limit = total / n / SPLIT;
  // Parts per point, for the points cut into more than one.
  const parts = new Map<number, number>();
  let count = size;
  if (n > 1) {
    for (let i = 0; i < size; i++) {
      const r = replications[i] as number;
      const c = costs[i] as number;
      if (r > 1 && c > limit) {
        const m = Math.min(r, Math.ceil(c / limit));
        parts.set(i, m);
        count += m - 1;
      }
    }
  }
  const unitIndex = new Uint32Array(count);
  const unitPart = new Uint32Array(count);
  const unitCost = new Float64Array(count);
  let u = 0;
  for (let i = 0; i < size; i++) {
    const m = parts.get(i) ?? 1;
    const r = replications[i] as number;
    for (let j = 0; j < m; j++) {
      const { from, to } = partRange(r, m, j);
      unitIndex[u] = i;
      unitPart[u] = j;
      unitCost[u] = m === 1 ? (costs[i] as number) : ((costs[i] as number) * (to - from)) / r;
      u++;
    }
  }
  const order = new Uint32Array(count);
  for (let v = 0; v < count; v++) order[v] = v;
  order.sort((a, b) => (unitCost[b] as number) - (unitCost[a] as number) || a - b);

  const loads = new Float64Array(n);
  const mine: number[] = [];
  const heap = new ShardHeap(loads);
  for (const v of order) {
    const k = heap.popLeast();
    if (shard === null || k === shard.k - 1) mine.push(v);
    loads[k] = (loads[k] as number) + (unitCost[v] as number);
    heap.push(k);
  }
  const chosen = Uint32Array.from(mine);
  const unit = (u: number): Unit => {
    const v = chosen[u];
    if (v === undefined) throw new RangeError(`invalid unit: ${u} (the shard has ${chosen.length})`);
    const index = unitIndex[v] as number;
    const m = parts.get(index) ?? 1;
    return { index, ...partRange(replications[index] as number, m, unitPart[v] as number) };
  };
  return { count: chosen.length, unit, loads, total, split: parts.size };
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
