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
 * Finds the smallest size in [1, max] that meets a target, assuming that meeting is monotone in
 * the size: doubling (1, 2, 4, ...) until a size meets, then halving the gap between the last
 * miss and the first meet. The size after the answer is probed too, as a check of the
 * assumption. About 2 log2(answer) + 1 probes, each evaluated once.
 */
export async function smallestMeeting<T>(
  max: number,
  evaluate: (size: number) => Promise<{ meets: boolean; detail: T }>,
): Promise<SearchResult<T>> {
  if (!Number.isInteger(max) || max < 1)
    throw new RangeError(`invalid max workers: ${max} (expected a positive integer)`);
  const probes: Probe<T>[] = [];
  const seen = new Map<number, Probe<T>>();
  const probe = async (size: number): Promise<Probe<T>> => {
    const known = seen.get(size);
    if (known) return known;
    const { meets, detail } = await evaluate(size);
    const p = { size, meets, detail };
    seen.set(size, p);
    probes.push(p);
    return p;
  };

  let miss: Probe<T> | null = null;
  let hit: Probe<T> | null = null;
  for (let size = 1; ; size = Math.min(size * 2, max)) {
    const p = await probe(size);
    if (p.meets) {
      hit = p;
      break;
    }
    miss = p;
    if (size === max) break;
  }
  if (!hit) return { best: null, below: miss, probes, monotone: true };

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
