import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { MS, US } from "../../src/engine/time.js";
import {
  applyProfile,
  DEFAULT_PROFILE_PATH,
  defaultProfile,
  kernelOf,
  type MachineProfile,
  parseProfile,
  profileProblems,
  readProfile,
  tickOf,
  writeProfile,
} from "../../src/real/profile.js";
import { ScenarioError } from "../../src/scenario/errors.js";
import { defaultSlice, parseScenario } from "../../src/scenario/scenario.js";
import { tempDir } from "../temp.js";

const dir = tempDir("gilsim-profile-");

const PROFILE: MachineProfile = {
  format: 1,
  machine: { cores: 2, slice: "4ms", platform: "linux", cpu: "test CPU", kernel: "6.6" },
  python: "3.11.7",
  created: "2025-01-01T00:00:00.000Z",
  runtime: {
    loopStepCost: "2us",
    timerSlack: "70us",
    gilWakeup: { dist: "lognormal", median: "10us", p99: "50us" },
    gilWinner: "fifo",
  },
  measured: { wakeup: { median: 10_000, p99: 50_000, n: 100, unit: "ns", note: "test" } },
};

const SCENARIO = {
  executor: { kind: "asyncio" },
  runtime: { python: "3.12", timerSlack: "10us" },
  workload: { arrivals: { kind: "batch", count: 2 }, classes: [{ steps: [{ cpu: "1ms" }] }] },
};

describe("applyProfile", () => {
  test("applyProfile names the scheduler of the Linux release the profile ran (6.18.5+: proportional newidle balancing), unless the scenario names one", () => {
    const on = (kernel: string | null, platform = "linux") => ({
      ...PROFILE,
      machine: { ...PROFILE.machine, kernel, platform },
    });
    const s = parseScenario(applyProfile(SCENARIO, on("6.18.44-fc-v657")));
    expect(s.machine.newidle).toBe("proportional");
    // 6.15's shorter base slice too: 0.70 ms x (1 + log2(min(cores, 8)))
    expect(s.machine.slice).toBe(defaultSlice("eevdf-6.15", s.machine.cores));
    expect(s.machine.slice).toBeLessThan(defaultSlice("eevdf", s.machine.cores));
    expect(parseScenario(applyProfile(SCENARIO, on("6.18.4"))).machine.newidle).toBe("always");
    expect(parseScenario(applyProfile(SCENARIO, on("6.6.0"))).machine.slice).toBe(
      defaultSlice("eevdf", s.machine.cores),
    );
    const own = parseScenario(applyProfile({ ...SCENARIO, machine: { kernel: "eevdf" } }, on("6.18.44")));
    expect(own.machine.newidle).toBe("always");
    expect(own.machine.slice).toBe(defaultSlice("eevdf", s.machine.cores));
    // A profile measured on another OS, or with no release, leaves the scenario's default.
    expect(parseScenario(applyProfile(SCENARIO, on("24.1.0", "darwin"))).machine.newidle).toBe("always");
    expect(parseScenario(applyProfile(SCENARIO, on(null))).machine.newidle).toBe("always");
  });

  test("kernelOf maps a Linux release to the scheduler it runs", () => {
    const cases: [string, string | null][] = [
      ["5.15.0-91-generic", "cfs"],
      ["6.5.13", "cfs"],
      ["6.6.0", "eevdf"],
      ["6.14.11", "eevdf"],
      ["6.15", "eevdf-6.15"],
      ["6.18.4-arch1", "eevdf-6.15"],
      ["6.18.5", "eevdf-6.18"],
      ["6.18.44-fc-v657", "eevdf-6.18"],
      ["6.19.0", "eevdf-6.18"],
      ["7.0.1", "eevdf-6.18"],
      ["unknown", null],
      ["", null],
    ];
    for (const [release, kernel] of cases) expect(kernelOf(release), release).toBe(kernel);
    expect(kernelOf(null)).toBe(null);
  });

  test("applyProfile fills the runtime and machine.tick (the measured scheduler period) from the profile; the scenario's own values win", () => {
    const s = parseScenario(applyProfile(SCENARIO, PROFILE));
    expect(s.runtime.loopStepCost).toEqual({ dist: "constant", value: 2 * US });
    expect(s.runtime.gilWinner).toBe("fifo");
    expect(s.runtime.timerSlack).toBe(10 * US); // the scenario's
    expect(s.runtime.python).toBe("3.12");
    expect(s.machine.tick).toBe(4 * MS);
    const own = parseScenario(applyProfile({ ...SCENARIO, machine: { cores: 2, tick: "1ms" } }, PROFILE));
    expect(own.machine.tick).toBe(1 * MS);
    expect(own.machine.cores).toBe(2);
  });

  test("applyProfile sets machine.coldStart from a profile that measured it, unless the scenario sets its own", () => {
    const cold = {
      ...PROFILE,
      machine: { ...PROFILE.machine, coldStart: { max: "120us", tau: "3ms", slowdown: 4.5 } },
    };
    const s = parseScenario(applyProfile(SCENARIO, cold));
    expect(s.machine.coldStart).toEqual({ max: 120 * US, tau: 3 * MS, slowdown: 4.5 });
    expect(s.machine.tick).toBe(4 * MS);
    const own = { max: "0us", tau: "1ms", slowdown: 1 };
    expect(parseScenario(applyProfile({ ...SCENARIO, machine: { coldStart: own } }, cold)).machine.coldStart).toEqual({
      max: 0,
      tau: 1 * MS,
      slowdown: 1,
    });
    // A profile without it leaves the scenario's default.
    expect(parseScenario(applyProfile(SCENARIO, PROFILE)).machine.coldStart).toEqual(
      parseScenario(SCENARIO).machine.coldStart,
    );
  });

  test("applyProfile sets machine.timerTail from a profile that measured it, unless the scenario sets its own", () => {
    const late = {
      ...PROFILE,
      machine: { ...PROFILE.machine, timerTail: { share: 0.02, min: "200us", max: "1.5ms" } },
    };
    expect(parseScenario(applyProfile(SCENARIO, late)).machine.timerTail).toEqual({
      share: 0.02,
      min: 200 * US,
      max: 1500 * US,
    });
    const off = { share: 0, min: "1us", max: "1us" };
    expect(parseScenario(applyProfile({ ...SCENARIO, machine: { timerTail: off } }, late)).machine.timerTail).toEqual({
      share: 0,
      min: 1 * US,
      max: 1 * US,
    });
    expect(parseScenario(applyProfile(SCENARIO, PROFILE)).machine.timerTail).toEqual(
      parseScenario(SCENARIO).machine.timerTail,
    );
  });

  test("a profile fitted before the pipe's pieces were modelled (ipcPerByte, no pipeWakeup) adds no pipe wake-ups on top of its per-byte cost; a newer one keeps its own", () => {
    const none = { dist: "constant", value: 0 };
    const old = { ...PROFILE, runtime: { ...PROFILE.runtime, ipcPerByte: 0.6 } };
    expect(parseScenario(applyProfile(SCENARIO, old)).runtime.pipeWakeup).toEqual(none);
    const wake = { dist: "lognormal", median: "30us", p99: "100us" };
    const newer = { ...PROFILE, runtime: { ...PROFILE.runtime, ipcPerByte: 0.1, pipeWakeup: wake } };
    expect(parseScenario(applyProfile(SCENARIO, newer)).runtime.pipeWakeup).toEqual(
      parseScenario({ ...SCENARIO, runtime: { ...SCENARIO.runtime, pipeWakeup: wake } }).runtime.pipeWakeup,
    );
    // the scenario's own values win: its pipeWakeup, or its own ipcPerByte (then the default wake-ups)
    const ownWake = parseScenario(
      applyProfile({ ...SCENARIO, runtime: { ...SCENARIO.runtime, pipeWakeup: "5us" } }, old),
    );
    expect(ownWake.runtime.pipeWakeup).toEqual({ dist: "constant", value: 5 * US });
    const plain = parseScenario(SCENARIO).runtime.pipeWakeup;
    const ownBytes = parseScenario(
      applyProfile({ ...SCENARIO, runtime: { ...SCENARIO.runtime, ipcPerByte: 0.2 } }, old),
    );
    expect(ownBytes.runtime.pipeWakeup).toEqual(plain);
    // a profile without ipcPerByte leaves the version default alone
    expect(parseScenario(applyProfile(SCENARIO, PROFILE)).runtime.pipeWakeup).toEqual(plain);
  });

  test("a profile written before the cost by size was kept takes ipcBySize from its round trips; a scenario's own ipcPerByte or ipcBySize wins", () => {
    // Round trips of 600 us empty, 1 ms at 64 KiB (two pipe-fulls: two wake-ups of 10 us each
    // way come off), 4.6 ms at 256 KiB: each of the four sides costs a quarter of the excess.
    const trip = (median: number) => ({ median, p99: median, n: 25, unit: "ns", note: "test" });
    const measured = {
      ...PROFILE.measured,
      "process-roundtrip-0": trip(600_000),
      "process-roundtrip-65536": trip(1_040_000),
      "process-roundtrip-262144": trip(4_760_000),
    };
    const wake = { dist: "lognormal", median: "10us", p99: "50us" };
    const old = { ...PROFILE, runtime: { ...PROFILE.runtime, ipcPerByte: 4, pipeWakeup: wake }, measured };
    const s = parseScenario(applyProfile(SCENARIO, old)).runtime;
    // 64 KiB: (1040 - 2 x 2 x 10 - 600) / 4 = 100 us; 256 KiB: (4760 - 2 x 8 x 10 - 600) / 4 = 1 ms
    expect(s.ipcBySize).toEqual([
      { size: 65_536, cost: 100 * US },
      { size: 262_144, cost: 1000 * US },
    ]);
    expect(s.ipcPerByte).toBeCloseTo(900_000 / 196_608, 3); // the last piece's slope
    // A scenario that sets its own ipcPerByte keeps a linear cost; its own ipcBySize wins.
    const linear = parseScenario(applyProfile({ ...SCENARIO, runtime: { ...SCENARIO.runtime, ipcPerByte: 0.3 } }, old));
    expect(linear.runtime.ipcBySize).toEqual([]);
    expect(linear.runtime.ipcPerByte).toBe(0.3);
    const mine = [{ size: "1MiB", cost: "2ms" }];
    const own = parseScenario(applyProfile({ ...SCENARIO, runtime: { ...SCENARIO.runtime, ipcBySize: mine } }, old));
    expect(own.runtime.ipcBySize).toEqual([{ size: 1_048_576, cost: 2 * MS }]);
    // A profile that keeps ipcBySize is used as it is; one with no round trips leaves the default.
    const kept = { ...old, runtime: { ...old.runtime, ipcBySize: [{ size: 65_536, cost: "7us" }] } };
    expect(parseScenario(applyProfile(SCENARIO, kept)).runtime.ipcBySize).toEqual([{ size: 65_536, cost: 7 * US }]);
    expect(parseScenario(applyProfile(SCENARIO, PROFILE)).runtime.ipcBySize).toEqual([]);
    // Against a profile that keeps its sizes too, a scenario's own cost is kept whole: its
    // ipcPerByte alone is linear; its ipcBySize alone goes on past its last size at the version
    // default's ipcPerByte, not at the slope of the profile's last piece.
    const keptLinear = parseScenario(
      applyProfile({ ...SCENARIO, runtime: { ...SCENARIO.runtime, ipcPerByte: 0.3 } }, kept),
    );
    expect(keptLinear.runtime.ipcBySize).toEqual([]);
    expect(keptLinear.runtime.ipcPerByte).toBe(0.3);
    const keptOwn = parseScenario(
      applyProfile({ ...SCENARIO, runtime: { ...SCENARIO.runtime, ipcBySize: mine } }, kept),
    );
    expect(keptOwn.runtime.ipcBySize).toEqual([{ size: 1_048_576, cost: 2 * MS }]);
    expect(keptOwn.runtime.ipcPerByte).toBe(parseScenario(SCENARIO).runtime.ipcPerByte);
    // A profile from before the pipe's pieces (no pipeWakeup) runs without them unless the
    // scenario brings its own cost, by size as by byte.
    const noPieces = { ...old, runtime: { ...PROFILE.runtime, ipcPerByte: 4 } };
    expect(parseScenario(applyProfile(SCENARIO, noPieces)).runtime.pipeWakeup).toEqual({ dist: "constant", value: 0 });
    expect(
      parseScenario(applyProfile({ ...SCENARIO, runtime: { ...SCENARIO.runtime, ipcBySize: mine } }, noPieces)).runtime
        .pipeWakeup,
    ).toEqual(parseScenario(SCENARIO).runtime.pipeWakeup);
  });

  test("applyProfile leaves its input alone and returns non-scenarios unchanged", () => {
    const input = structuredClone(SCENARIO);
    applyProfile(input, PROFILE);
    expect(input).toEqual(SCENARIO);
    expect(applyProfile(null, PROFILE)).toBeNull();
    expect(applyProfile([1], PROFILE)).toEqual([1]);
    const badRuntime = { ...SCENARIO, runtime: "fast" };
    expect(applyProfile(badRuntime, PROFILE)).toBe(badRuntime);
    expect(applyProfile(SCENARIO, null)).toBe(SCENARIO);
  });
});

describe("profile files", () => {
  test("writeProfile then readProfile gives the same profile back", async () => {
    const path = join(dir, "p.json");
    await writeProfile(path, PROFILE);
    expect(readProfile(path)).toEqual(PROFILE);
    const cold = {
      ...PROFILE,
      machine: { ...PROFILE.machine, coldStart: { max: "120us", tau: "3ms", slowdown: 4.5 } },
    };
    await writeProfile(path, cold);
    expect(readProfile(path)).toEqual(cold);
    expect(readFileSync(path, "utf8").endsWith("}\n")).toBe(true);
  });

  test("profileProblems names each bad field; the scenario's choices are not allowed in a profile", () => {
    expect(profileProblems(PROFILE)).toEqual([]);
    expect(profileProblems({ ...PROFILE, format: 2 })).toEqual(["format: 2 is invalid (expected 1)"]);
    expect(profileProblems({ ...PROFILE, runtime: { python: "3.12" } })).toEqual([
      "runtime.python: not allowed in a machine profile (the scenario chooses it)",
    ]);
    expect(profileProblems({ ...PROFILE, runtime: { loopStepCost: "fast" } })[0]).toMatch(
      /^runtime\.loopStepCost: "fast" is invalid/,
    );
    expect(profileProblems({ ...PROFILE, machine: { ...PROFILE.machine, slice: "-1ms" } })[0]).toMatch(
      /^machine\.slice/,
    );
    // The machine sections a profile sets are checked as a scenario would parse them.
    const tail = (timerTail: unknown) => profileProblems({ ...PROFILE, machine: { ...PROFILE.machine, timerTail } });
    expect(tail({ share: 0.02, min: "200us", max: "1ms" })).toEqual([]);
    expect(tail({ share: 7, min: "200us", max: "1ms" })).toEqual([
      "machine.timerTail.share: 7 is invalid (expected a number from 0 to 1)",
    ]);
    expect(tail({ share: 0.02, min: "2ms", max: "1ms" })).toEqual(["machine.timerTail.max: expected at least min"]);
    expect(
      profileProblems({
        ...PROFILE,
        machine: { ...PROFILE.machine, coldStart: { max: "1ms", tau: "0ms", slowdown: 2 } },
      })[0],
    ).toMatch(/^machine\.coldStart\.tau/);
  });

  test("readProfile errors name the file: missing, not JSON, not a profile", () => {
    expect(() => readProfile(join(dir, "none.json"))).toThrow(
      `${join(dir, "none.json")}: cannot read the machine profile (no such file)`,
    );
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "{");
    expect(() => readProfile(bad)).toThrow(ScenarioError);
    expect(() => readProfile(bad)).toThrow(/^.*bad\.json: invalid JSON/);
    expect(() => parseProfile({ format: 1 }, "x.json")).toThrow(/^x\.json: machine: missing/);
  });

  test("the repository's default profile is a valid profile of a 2-core machine", () => {
    const p = defaultProfile();
    expect(p).not.toBeNull();
    expect(readProfile(DEFAULT_PROFILE_PATH).machine.cores).toBe(2);
  });
});

describe("tickOf", () => {
  test("a measured slice near a 1/HZ tick is that tick; one far from every tick is dropped", () => {
    expect(tickOf("3.93ms")).toBe("3.93ms");
    expect(tickOf("1.1ms")).toBe("1.1ms");
    expect(tickOf("9ms")).toBe("9ms");
    expect(tickOf("337.509us")).toBeNull();
    expect(tickOf("6ms")).toBeNull();
    expect(tickOf(null)).toBeNull();
  });
});
