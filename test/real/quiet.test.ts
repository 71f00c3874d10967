import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, test } from "vitest";
import { busyBetween, cpuTicks, machineBusy, ownTreeTicks, waitForQuiet } from "../../src/real/quiet.js";

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

  test.runIf(process.platform === "linux")(
    "ownTreeTicks counts a child's CPU while it runs and after it is reaped, so a run's own work is not 'other work'",
    { timeout: 120_000 },
    async () => {
      const before = ownTreeTicks();
      expect(before).not.toBeNull();
      // The child spins until it has used 300 ms of CPU (however long that takes on a busy machine), then idles.
      const spin =
        "const t=process.cpuUsage();for(;;){const u=process.cpuUsage(t);if(u.user+u.system>=300000)break}" +
        "process.stdout.write('spun\\n');setInterval(()=>{},1000)";
      const child = spawn(process.execPath, ["-e", spin], { stdio: ["ignore", "pipe", "inherit"] });
      await once(child.stdout, "data");
      const during = ownTreeTicks() as number;
      // 300 ms is 30 ticks of USER_HZ 100; the child's own start-up only adds.
      expect(during - (before as number)).toBeGreaterThanOrEqual(28);
      child.kill("SIGKILL");
      await once(child, "exit");
      const after = ownTreeTicks() as number;
      expect(after).toBeGreaterThanOrEqual(during - 1);
    },
  );
});
