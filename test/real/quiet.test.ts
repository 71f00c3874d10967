import { describe, expect, test } from "vitest";
import { busyBetween, cpuTicks, machineBusy, waitForQuiet } from "../../src/real/quiet.js";

describe("quiet", () => {
  test("busyBetween is the busy share of the ticks that passed, clamped to [0, 1]; null without two readings", () => {
    expect(busyBetween({ busy: 100, total: 1000 }, { busy: 130, total: 1100 })).toBeCloseTo(0.3, 12);
    expect(busyBetween({ busy: 100, total: 1000 }, { busy: 100, total: 1000 })).toBeNull();
    expect(busyBetween(null, { busy: 1, total: 2 })).toBeNull();
    expect(busyBetween({ busy: 0, total: 0 }, { busy: 50, total: 10 })).toBe(1);
  });

  test.runIf(process.platform === "linux")(
    "cpuTicks reads /proc/stat: busy never exceeds total, and both only grow",
    async () => {
      const a = cpuTicks();
      const share = await machineBusy(50);
      const b = cpuTicks();
      expect(a && b).toBeTruthy();
      expect(a!.busy).toBeLessThanOrEqual(a!.total);
      expect(b!.total).toBeGreaterThanOrEqual(a!.total);
      expect(share === null || (share >= 0 && share <= 1)).toBe(true);
    },
  );

  test("waitForQuiet returns quiet at its first sample when the threshold is 1 (every sample is quiet)", async () => {
    const r = await waitForQuiet({ threshold: 1, sampleMs: 20, maxWaitMs: 600_000 });
    expect(r.quiet).toBe(true);
    // A share of the cores in [0, 1] (null where /proc/stat cannot be read); any share is at most 1.
    if (r.busy !== null) {
      expect(r.busy).toBeGreaterThanOrEqual(0);
      expect(r.busy).toBeLessThanOrEqual(1);
    }
  });

  test.runIf(process.platform === "linux")(
    "waitForQuiet gives up after maxWaitMs when nothing is quiet enough",
    async () => {
      const r = await waitForQuiet({ threshold: -1, sampleMs: 20, maxWaitMs: 60 });
      expect(r.quiet).toBe(false);
      expect(r.waitedMs).toBeGreaterThanOrEqual(60);
    },
  );
});
