import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** How many CPUs a Linux cpulist names ("0-3,8" is 5). */
export function cpuListSize(list: string): number {
  let n = 0;
  for (const part of list.trim().split(",")) {
    if (part === "") continue;
    const [a, b] = part.split("-").map(Number) as [number, number | undefined];
    if (!Number.isInteger(a)) continue;
    n += b === undefined ? 1 : Number.isInteger(b) && b >= a ? b - a + 1 : 0;
  }
  return n;
}

/**
 * Whether this machine's CPUs share a cache the kernel knows of (machine.sharedCache): on Linux, a
 * cache of some CPU under `root` (/sys/devices/system/cpu/cpuN/cache/indexK) whose shared_cpu_list
 * holds two CPUs or more. The kernel builds its last-level-cache scheduling domain (sd_llc), where a
 * waking thread looks for an idle CPU, from the same CPUID or firmware tables; a virtual machine
 * that passes no cache topology to its guest (Firecracker's) shows no cache here and gets no such
 * domain. Null off Linux, on one CPU, or when `root` cannot be read.
 */
export function sharedCacheOf(root = "/sys/devices/system/cpu", platform: string = process.platform): boolean | null {
  if (platform !== "linux" || !existsSync(root)) return null;
  let cpus: string[];
  try {
    cpus = readdirSync(root).filter((name) => /^cpu\d+$/.test(name));
  } catch {
    return null;
  }
  if (cpus.length < 2) return null;
  for (const cpu of cpus) {
    const dir = join(root, cpu, "cache");
    let indexes: string[];
    try {
      indexes = readdirSync(dir).filter((name) => /^index\d+$/.test(name));
    } catch {
      continue; // no cache listed for this CPU (or unreadable): it says nothing either way
    }
    for (const index of indexes) {
      try {
        if (cpuListSize(readFileSync(join(dir, index, "shared_cpu_list"), "utf8")) >= 2) return true;
      } catch {
        // an unreadable entry says nothing either way
      }
    }
  }
  return false;
}
