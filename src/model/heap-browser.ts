/**
 * heap.ts for a browser bundle (scripts/build-explore.ts swaps one for the other): the heap limit
 * Chromium states, else 2 GiB, what a 64-bit browser tab commonly gets.
 */
export function heapLimit(): number {
  const memory = (performance as { memory?: { jsHeapSizeLimit?: number } }).memory;
  return memory?.jsHeapSizeLimit ?? 2 ** 31;
}
