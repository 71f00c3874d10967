import { describe, expect, test } from "vitest";
import { MS } from "../../src/engine/time.js";
import { measurements, profileFromCalibration, runCalibration } from "../../src/real/calibrate.js";
import { RealSetupError } from "../../src/real/errors.js";
import { profileProblems } from "../../src/real/profile.js";
import { defaultIdleExtra, exactDuration, SUBMIT_RETURN_NS } from "../../src/real/runtime-map.js";
import { pythonsOnMachine } from "./pythons.js";

/*
 * Real CPython on a busy machine: the checks are laws that hold however fast it runs (a sleep is
 * never shorter than asked, epoll rounds timeouts up to whole milliseconds), not speeds.
 */

describe("runCalibration in CPython", () => {
  test("runCalibration measures what it is asked for, and the laws hold: sleeps and asyncio timers are never early", async () => {
    const run = await runCalibration({
      only: ["sleep-overshoot", "timer-tail", "asyncio-timer", "asyncio-step", "gil-order", "thread-start"],
      scale: 0.3,
      handleSignals: false,
    });
    expect(Object.keys(run.experiments).sort()).toEqual(
      ["asyncio-step", "asyncio-timer", "gil-order", "sleep-overshoot", "thread-start", "timer-tail"].sort(),
    );
    const m = measurements(run);
    expect(m["sleep-overshoot"]!.median).toBeGreaterThanOrEqual(0);
    // asyncio.sleep(1.5 ms): epoll's timeout is rounded up to whole ms, so on Linux the wait is at least 2 ms
    const timer = run.experiments["asyncio-timer"]!.samples!;
    expect(Math.min(...timer)).toBeGreaterThanOrEqual(process.platform === "linux" ? 2 * MS : 1.5 * MS);
    expect(m["asyncio-step"]!.median).toBeGreaterThan(0);
    expect(m["loop-iteration"]).toBeDefined();
    const first = m["gil-order-first"]!.median;
    const last = m["gil-order-last"]!.median;
    expect(first + last).toBeLessThanOrEqual(1);
    expect(run.experiments["gil-order"]!.samples!.every((k) => k >= 0 && k <= 2)).toBe(true);
    const profile = profileFromCalibration(run, new Date(0));
    expect(profile.created).toBe("1970-01-01T00:00:00.000Z");
    expect(profile.python).toBe(run.python.version);
    expect(profileProblems(profile)).toEqual([]);
    // time.sleep(1 ms) 600 times at scale 0.3: never early; the late share is a share, from 200 us.
    expect(run.experiments["timer-tail"]!.samples!.length).toBe(600);
    expect(Math.min(...run.experiments["timer-tail"]!.samples!)).toBeGreaterThanOrEqual(0);
    expect(m["timer-tail-share"]!.median).toBeGreaterThanOrEqual(0);
    expect(m["timer-tail-share"]!.median).toBeLessThanOrEqual(1);
    expect(profile.machine.timerTail?.min).toBe("200us");
    expect(Object.keys(profile.runtime).sort()).toEqual(
      ["gilWinner", "loopIterationCost", "loopStepCost", "threadStart", "timerSlack"].sort(),
    );
  });

  test("socket-send: each send is part of its round trip, and the profile gets socketSend, socketRecv and socketWakeup", async () => {
    const run = await runCalibration({ only: ["socket-send"], scale: 0.1, handleSignals: false });
    const e = run.experiments["socket-send"]!;
    // rounds(2000) at 0.1, less a warm-up of 50; rounds(200) ready reads
    expect(e.samples).toHaveLength(150);
    expect(e.roundTrip).toHaveLength(150);
    expect(e.ready).toHaveLength(20);
    for (const send of e.samples!) expect(send).toBeGreaterThan(0);
    for (const r of e.ready!) expect(r).toBeGreaterThan(0);
    const profile = profileFromCalibration(run, new Date(0));
    expect(profileProblems(profile)).toEqual([]);
    const m = profile.measured;
    expect(profile.runtime.socketSend).toBe(exactDuration(m["socket-send"]!.median));
    // socketWakeup: the round trip less its parts, halved, when that leaves at least 500 ns (else the default stays)
    const wake =
      (m["socket-roundtrip"]!.median - 2 * m["socket-send"]!.median - m["socket-recv-ready"]!.median) / 2 -
      defaultIdleExtra(m["socket-roundtrip"]!.median);
    expect(profile.runtime.socketWakeup).toBe(wake >= 500 ? exactDuration(wake) : undefined);
    expect(profile.runtime.socketRecv).toBe(exactDuration(m["socket-recv-ready"]!.median));
    expect(Object.keys(profile.runtime).every((k) => ["socketSend", "socketRecv", "socketWakeup"].includes(k))).toBe(
      true,
    );
  });

  test("executor-handoff: the submit() call after idle gaps and back to back; submitCost comes from the back-to-back one", async () => {
    const run = await runCalibration({ only: ["executor-handoff"], scale: 0.1, handleSignals: false });
    const e = run.experiments["executor-handoff"]!;
    // rounds(120) and rounds(300) at 0.1: 12 after gaps, 30 back to back
    expect(e.samples).toHaveLength(12);
    expect(e.submit).toHaveLength(12);
    expect(e.hot).toHaveLength(30);
    for (const t of [...e.submit!, ...e.hot!]) expect(t).toBeGreaterThan(0);
    const profile = profileFromCalibration(run, new Date(0));
    expect(profileProblems(profile)).toEqual([]);
    const hot = profile.measured["executor-submit-hot"]!;
    expect(hot.n).toBe(30);
    expect(profile.runtime.submitCost).toBe(exactDuration(Math.max(1000, hot.median - SUBMIT_RETURN_NS)));
  });

  test("process-fork times each os.fork in the parent: one per worker forked, each shorter than the submit that forked it", async () => {
    const run = await runCalibration({ only: ["process-fork"], scale: 0.4, handleSignals: false });
    const e = run.experiments["process-fork"]!;
    const points = e.points ?? [];
    // Rounds of a 1-worker and a 4-worker pool: 5 forks a round.
    expect(points.length % 2).toBe(0);
    expect(e.calls).toHaveLength((points.length / 2) * 5);
    const longestSubmit = Math.max(...points.map(([, ns]) => ns));
    for (const ns of e.calls ?? []) {
      expect(ns).toBeGreaterThan(0);
      expect(ns).toBeLessThan(longestSubmit);
    }
    expect(measurements(run)["fork-call"]?.n).toBe(e.calls?.length);
  });

  test("runCalibration rejects bad options and interpreters it cannot use, naming them", async () => {
    await expect(runCalibration({ scale: 0 })).rejects.toThrow(
      "invalid scale: 0 (expected a number above 0, at most 100)",
    );
    await expect(runCalibration({ priority: 21 })).rejects.toThrow(RealSetupError);
    await expect(runCalibration({ only: ["bogus" as never] })).rejects.toThrow(/^invalid only: "bogus"/);
    await expect(runCalibration({ python: "/no/such/python" })).rejects.toThrow(
      'invalid python: "/no/such/python" (not found; expected a Python 3.9 or later interpreter)',
    );
  });

  test("calibrate.py runs on every CPython 3.9+ on this machine, and refuses older ones with what to install", async () => {
    const all = await pythonsOnMachine(true);
    const usable = all.filter((p) => p.major === 3 && p.minor >= 9);
    expect(usable.length).toBeGreaterThan(0);
    for (const p of usable) {
      const run = await runCalibration({
        python: p.command,
        only: ["sleep-overshoot", "gil-handoff"],
        scale: 0.1,
        handleSignals: false,
      });
      expect(run.python.version).toBe(p.version);
      expect(run.experiments["sleep-overshoot"]!.samples!.length).toBeGreaterThan(0);
    }
    for (const p of all.filter((x) => x.major === 3 && x.minor < 9)) {
      await expect(runCalibration({ python: p.command })).rejects.toThrow(
        /gilsim needs Python 3\.9 or later: install it, or pass --python PATH$/,
      );
    }
  });
});
