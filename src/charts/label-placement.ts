/**
 * One-dimensional label placement: labels that want to sit at positions along an axis (px) are
 * moved apart, keeping their order, until neighbours are at least `gap` px apart, and kept inside
 * [min, max] when that range has room for all of them. The total displacement stays small: each
 * cluster of overlapping labels is centred on the mean of the positions it wants.
 */
export function spreadPositions(wanted: readonly number[], gap: number, min = -Infinity, max = Infinity): number[] {
  const order = wanted.map((_, i) => i).sort((a, b) => (wanted[a] as number) - (wanted[b] as number) || a - b);
  // Clusters of consecutive labels (in order), each laid out gap apart around its centre.
  const clusters: { start: number; size: number; centre: number }[] = [];
  for (let k = 0; k < order.length; k++) {
    clusters.push({ start: k, size: 1, centre: wanted[order[k] as number] as number });
    while (clusters.length > 1) {
      const b = clusters[clusters.length - 1] as { start: number; size: number; centre: number };
      const a = clusters[clusters.length - 2] as { start: number; size: number; centre: number };
      const aEnd = a.centre + ((a.size - 1) * gap) / 2;
      const bStart = b.centre - ((b.size - 1) * gap) / 2;
      if (bStart - aEnd >= gap) break;
      const size = a.size + b.size;
      const centre = (a.centre * a.size + b.centre * b.size) / size;
      clusters.splice(clusters.length - 2, 2, { start: a.start, size, centre });
    }
  }
  const placed = new Array<number>(wanted.length);
  const room = max - min >= (order.length - 1) * gap;
  let floor = min;
  for (const c of clusters) {
    let first = c.centre - ((c.size - 1) * gap) / 2;
    if (room) first = Math.max(first, floor);
    for (let j = 0; j < c.size; j++) placed[order[c.start + j] as number] = first + j * gap;
    floor = first + c.size * gap;
  }
  if (room) {
    // Push back from the far end, then nothing can overlap or leave [min, max].
    let ceiling = max;
    for (let k = order.length - 1; k >= 0; k--) {
      const i = order[k] as number;
      placed[i] = Math.min(placed[i] as number, ceiling);
      ceiling = (placed[i] as number) - gap;
    }
  }
  return placed;
}

/**
 * Moves labels only downward (towards larger px values): each label sits at its wanted position
 * or `gap` px below the previous one, whichever is lower; then, if the last one passes `max`, the
 * column is pushed back up as far as needed and no further.
 */
export function stackDownward(wanted: readonly number[], gap: number, max = Infinity): number[] {
  const order = wanted.map((_, i) => i).sort((a, b) => (wanted[a] as number) - (wanted[b] as number) || a - b);
  const placed = new Array<number>(wanted.length);
  let floor = -Infinity;
  for (const i of order) {
    placed[i] = Math.max(wanted[i] as number, floor);
    floor = (placed[i] as number) + gap;
  }
  let ceiling = max;
  for (let k = order.length - 1; k >= 0; k--) {
    const i = order[k] as number;
    if ((placed[i] as number) <= ceiling) break;
    placed[i] = ceiling;
    ceiling -= gap;
  }
  return placed;
}

/**
 * The free position nearest `wanted` for a label among marks that cannot move: `blocked` holds
 * the spans (px, along the one axis the label may move on) where the label's centre would overlap
 * one, already widened by the label's own half size. Of two free positions as near, the one on
 * the `prefer` side of `wanted` (-1: smaller px, up on a y axis) wins. Positions stay in
 * [min, max]; gives `wanted` when none is free.
 */
export function nearestFree(
  wanted: number,
  blocked: readonly (readonly [number, number])[],
  min = -Infinity,
  max = Infinity,
  prefer: -1 | 1 = -1,
): number {
  const free = (p: number) => p >= min && p <= max && !blocked.some(([lo, hi]) => p > lo && p < hi);
  // Distances within a thousandth of a px are a tie (spans on both sides computed alike).
  const distance = (p: number) => Math.round(Math.abs(p - wanted) * 1000);
  const side = (p: number) => (Math.sign(p - wanted) === -prefer ? 1 : 0);
  const candidates = [wanted, ...blocked.flat()].filter(free);
  candidates.sort((a, b) => distance(a) - distance(b) || side(a) - side(b) || a - b);
  return candidates[0] ?? wanted;
}
