import { getHeapStatistics } from "node:v8";

/** The most the JavaScript heap of this process may grow to, in bytes (Node's --max-old-space-size). */
export function heapLimit(): number {
  return getHeapStatistics().heap_size_limit;
}
