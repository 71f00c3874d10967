import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { applyProfile, type MachineProfile } from "../../src/real/profile.js";
import { cpuListSize, sharedCacheOf } from "../../src/real/topology.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import { tempDir } from "../temp.js";

/** A fake /sys/devices/system/cpu: `caches[cpu]` lists each cache's shared_cpu_list (none: no cache folder). */
function sysfs(caches: (string[] | null)[]): string {
  const root = tempDir("gilsim-sysfs-");
  caches.forEach((lists, cpu) => {
    mkdirSync(join(root, `cpu${cpu}`));
    if (lists === null) return;
    lists.forEach((list, k) => {
      const dir = join(root, `cpu${cpu}`, "cache", `index${k}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "shared_cpu_list"), `${list}\n`);
    });
  });
  writeFileSync(join(root, "online"), "0-1\n");
  return root;
}

describe("machine.sharedCache from Linux's sysfs", () => {
  test("cpulists count their CPUs", () => {
    expect(cpuListSize("0")).toBe(1);
    expect(cpuListSize("0-1")).toBe(2);
    expect(cpuListSize("0-3,8,10-11\n")).toBe(7);
    expect(cpuListSize("")).toBe(0);
  });

  test("a last-level cache two CPUs share: true", () => {
    // L1d, L1i and L2 per CPU, the L3 shared, as on most machines.
    expect(
      sharedCacheOf(
        sysfs([
          ["0", "0", "0", "0-1"],
          ["1", "1", "1", "0-1"],
        ]),
        "linux",
      ),
    ).toBe(true);
  });

  test("caches listed but each CPU's own: false", () => {
    expect(
      sharedCacheOf(
        sysfs([
          ["0", "0"],
          ["1", "1"],
        ]),
        "linux",
      ),
    ).toBe(false);
  });

  test("no cache listed at all (a VM that passes no cache topology): false", () => {
    expect(sharedCacheOf(sysfs([null, null]), "linux")).toBe(false);
  });

  test("unknown on one CPU, off Linux, or without the folder", () => {
    expect(sharedCacheOf(sysfs([null]), "linux")).toBeNull();
    expect(sharedCacheOf(sysfs([["0-1"], ["0-1"]]), "darwin")).toBeNull();
    expect(sharedCacheOf(join(tempDir("gilsim-sysfs-"), "no-such-folder"), "linux")).toBeNull();
  });
});

describe("a profile's sharedCache", () => {
  const profile = (sharedCache?: boolean): MachineProfile => ({
    format: 1,
    machine: {
      cores: 2,
      platform: "linux",
      cpu: null,
      kernel: null,
      slice: null,
      ...(sharedCache === undefined ? {} : { sharedCache }),
    },
    python: "3.11.7",
    created: "2026-12-02T00:00:00.000Z",
    runtime: {},
    measured: {},
  });
  const input = {
    name: "x",
    executor: { kind: "sync" },
    workload: { arrivals: { kind: "batch", count: 1 }, classes: [{ steps: [{ cpu: "1ms" }] }] },
  };

  test("goes into machine.sharedCache; a scenario's own value wins; absent, the default (true) stays", () => {
    expect(parseScenario(applyProfile(input, profile(false))).machine.sharedCache).toBe(false);
    expect(
      parseScenario(applyProfile({ ...input, machine: { sharedCache: true } }, profile(false))).machine.sharedCache,
    ).toBe(true);
    expect(parseScenario(applyProfile(input, profile())).machine.sharedCache).toBe(true);
    expect(parseScenario(input).machine.sharedCache).toBe(true);
  });
});
