/**
 * Spreading one time span over equal buckets: the primitive behind every per-pixel aggregate.
 * Work is proportional to the buckets the span touches, so spans that tile a lane without overlap
 * cost at most lanes x buckets in total, however many there are.
 */

/**
 * Adds to out[(base + k) * stride + offset] the part of [a, b) inside bucket k, for buckets
 * [k * width, (k + 1) * width), k in [0, count). Times are relative to the first bucket's start;
 * the caller clips [a, b) to [0, count * width] first.
 */
export function spreadOverBuckets(
  out: Float64Array,
  a: number,
  b: number,
  width: number,
  count: number,
  base: number,
  stride = 1,
  offset = 0,
): void {
  const first = Math.min(count - 1, Math.floor(a / width));
  const last = Math.min(count - 1, Math.floor(b / width));
  const at = (k: number): number => (base + k) * stride + offset;
  if (first === last) {
    out[at(first)] = (out[at(first)] as number) + (b - a);
    return;
  }
  out[at(first)] = (out[at(first)] as number) + ((first + 1) * width - a);
  for (let k = first + 1; k < last; k++) out[at(k)] = (out[at(k)] as number) + width;
  out[at(last)] = (out[at(last)] as number) + (b - last * width);
}
