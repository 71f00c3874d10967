/** A slice of a sweep: shard `k` of `n` (1-based), as given by `--shard K/N`. */
export interface Shard {
  k: number;
  n: number;
}

const SHARD = /^\s*(\d+)\s*\/\s*(\d+)\s*$/;

/** Parses `--shard 2/4`. */
export function parseShard(text: string): Shard {
  const m = SHARD.exec(text);
  const k = Number(m?.[1]);
  const n = Number(m?.[2]);
  if (!m || !Number.isSafeInteger(k) || !Number.isSafeInteger(n) || n < 1 || k < 1 || k > n) {
    throw new RangeError(`invalid --shard: ${text} (expected K/N with 1 <= K <= N, like 2/4)`);
  }
  return { k, n };
}

/**
 * Whether point `index` belongs to a shard. Points are dealt round-robin (index mod N), so each
 * shard gets every part of the grid, and costly corners of it are spread over the machines.
 */
export function inShard(index: number, shard: Shard | null): boolean {
  return shard === null || index % shard.n === shard.k - 1;
}

/** The grid indices of a shard, in order, without building a list. */
export function* shardIndices(size: number, shard: Shard | null): Generator<number> {
  const start = shard === null ? 0 : shard.k - 1;
  const step = shard === null ? 1 : shard.n;
  for (let i = start; i < size; i += step) yield i;
}

/** How many points of a grid of `size` fall in the shard. */
export function shardSize(size: number, shard: Shard | null): number {
  if (shard === null) return size;
  return Math.max(0, Math.ceil((size - (shard.k - 1)) / shard.n));
}

/** `2/4`, or "" for the whole sweep. */
export function formatShard(shard: Shard | null): string {
  return shard === null ? "" : `${shard.k}/${shard.n}`;
}
