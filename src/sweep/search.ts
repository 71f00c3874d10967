/** What one probe of a size found. */
export interface Probe<T> {
  size: number;
  meets: boolean;
  detail: T;
}

export interface SearchResult<T> {
  /** The smallest size found to meet the target, or null when even `max` misses. */
  best: Probe<T> | null;
  /** The largest size found to miss below `best` (or the last size tried when none meets). */
  below: Probe<T> | null;
  /** Every size tried, in the order tried. */
  probes: Probe<T>[];
  /**
   * False when a neighbour broke the assumption that more workers never hurt: the size after
   * `best` missed. The answer is then the smallest meeting size the search saw, not a proof.
   */
  monotone: boolean;
}

/**
 * The most probes smallestMeeting(max, ...) can make: doubling takes at most ceil(log2 max) + 1,
 * bisecting as many again, plus the neighbour; an inconclusive miss at max adds the sizes between
 * the last doubling (the largest power of two below max) and max.
 */
export function mostProbes(max: number): number {
  const lastDoubling = max > 1 ? 2 ** Math.ceil(Math.log2(max) - 1) : 0;
  return 2 * Math.ceil(Math.log2(max)) + 2 + Math.max(0, max - lastDoubling - 1);
}

/**
 * Finds the smallest size in [1, max] that meets a target, assuming that meeting is monotone in
 * the size: doubling (1, 2, 4, ...) until a size meets, then halving the gap between the last
 * miss and the first meet. The size after the answer is probed too, as a check of the
 * assumption. About 2 log2(answer) + 1 probes, each evaluated once. When even `max` misses and
 * `evaluate` calls that miss inconclusive, the sizes between the last doubling and `max` are tried
 * in turn (a noisy miss at `max` must not hide a smaller size that meets); one that meets is the
 * answer, flagged as not monotone.
 */
export async function smallestMeeting<T>(
  max: number,
  evaluate: (size: number) => Promise<{ meets: boolean; detail: T; inconclusive?: boolean }>,
): Promise<SearchResult<T>> {
  if (!Number.isInteger(max) || max < 1)
    throw new RangeError(`invalid max workers: ${max} (expected a positive integer)`);
  const probes: Probe<T>[] = [];
  const seen = new Map<number, Probe<T>>();
  const inconclusive = new Set<number>();
  const probe = async (size: number): Promise<Probe<T>> => {
    const known = seen.get(size);
    if (known) return known;
    const { meets, detail, inconclusive: near } = await evaluate(size);
    if (near && !meets) inconclusive.add(size);
    const p = { size, meets, detail };
    seen.set(size, p);
    probes.push(p);
    return p;
  };

  let miss: Probe<T> | null = null;
  let hit: Probe<T> | null = null;
  let beforeMax = 0;
  for (let size = 1; ; size = Math.min(size * 2, max)) {
    const p = await probe(size);
    if (p.meets) {
      hit = p;
      break;
    }
    miss = p;
    if (size === max) break;
    beforeMax = size;
  }
  if (!hit) {
    // Even `max` missed. When that miss was inconclusive (a confidence bound from a few
    // replications crossing the target while the mean meets it), a size between the last
    // doubling and max may still meet: try each, from the smallest, before saying no size meets.
    // A clear miss at max ends the search, as before.
    const from = inconclusive.has(max) ? beforeMax + 1 : max;
    for (let size = from; size < max; size++) {
      const p = await probe(size);
      if (p.meets) return { best: p, below: seen.get(size - 1) ?? miss, probes, monotone: false };
    }
    return { best: null, below: miss, probes, monotone: true };
  }

  // Invariant: `miss` misses (or is null, meaning below 1), `hit` meets.
  while ((miss?.size ?? 0) + 1 < hit.size) {
    const mid = Math.floor(((miss?.size ?? 0) + hit.size) / 2);
    const p = await probe(mid);
    if (p.meets) hit = p;
    else miss = p;
  }
  let monotone = true;
  if (hit.size < max) {
    const next = await probe(hit.size + 1);
    monotone = next.meets;
  }
  for (const p of probes) if (p.size > hit.size && !p.meets) monotone = false;
  return { best: hit, below: miss, probes, monotone };
}
