import { describe, expect, test } from "vitest";
import { US } from "../../src/engine/time.js";
import { idleWakeExtra } from "../../src/model/machine.js";
import { pipeChunks } from "../../src/model/process-pool.js";
import { ipcBytesCost, POLL_COST, PYTHON_VERSIONS, profile } from "../../src/model/profiles.js";
import type { MeasuredQuantity } from "../../src/real/profile.js";
import {
  coldStartFit,
  defaultIdleExtra,
  exactDuration,
  FIT_MAX_BYTES,
  GIL_HANDOFF_NS,
  ipcCurve,
  runtimeFromMeasurements,
  SUBMIT_RETURN_NS,
  TAIL_ABOVE,
  TAIL_CAP,
  throughFirst,
  timerTailFit,
  timerTailOf,
} from "../../src/real/runtime-map.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import { DEFAULT_IDLE_WAKE } from "../../src/scenario/schema.js";

const q = (median: number, p99 = median, unit = "ns"): MeasuredQuantity => ({ median, p99, n: 100, unit });
const LN_Z99 = 2.3263478740408408;

/** The runtime section parsed by the scenario schema, as the simulator would get it. */
function parsed(runtime: Record<string, unknown>) {
  return parseScenario({
    executor: { kind: "sync" },
    workload: { arrivals: { kind: "batch", count: 1 }, classes: [{ steps: [{ cpu: "1ms" }] }] },
    runtime,
  }).runtime;
}

describe("runtimeFromMeasurements: forkCost", () => {
  test("is how much longer a 4-worker fork pool's first submit blocks than a 1-worker one's, over 3, and never negative", () => {
    const { runtime } = runtimeFromMeasurements(
      { "process-fork-1": q(4_000_000), "process-fork-4": q(13_000_000) },
      [],
    );
    expect(runtime.forkCost).toBe("3ms");
    expect(parsed(runtime).forkCost).toEqual({ dist: "constant", value: 3_000_000 });
    const noisy = runtimeFromMeasurements({ "process-fork-1": q(6_000_000), "process-fork-4": q(5_000_000) }, []);
    expect(noisy.runtime.forkCost).toBe("0ns");
    expect(runtimeFromMeasurements({ "process-fork-4": q(13_000_000) }, []).runtime.forkCost).toBeUndefined();
  });
});

describe("submitCost from the submit() call", () => {
  test("back to back when measured: less submitReturn (the part the model charges after the put), never the cold call", () => {
    for (const v of PYTHON_VERSIONS)
      expect(profile(v, 2).submitReturn, `${v}: submitReturn's default`).toEqual({
        dist: "constant",
        value: SUBMIT_RETURN_NS,
      });
    // After idle gaps the call took 60 us (the cold start the model adds itself); back to back 14 us.
    const both = runtimeFromMeasurements({ "executor-submit": q(60 * US), "executor-submit-hot": q(14 * US) }, []);
    expect(parsed(both.runtime).submitCost).toEqual({ dist: "constant", value: 14 * US - SUBMIT_RETURN_NS });
    // A hot call no longer than submitReturn still costs a microsecond before the put.
    const tiny = runtimeFromMeasurements({ "executor-submit-hot": q(2 * US) }, []);
    expect(parsed(tiny.runtime).submitCost).toEqual({ dist: "constant", value: 1 * US });
  });
});

describe("runtimeFromMeasurements", () => {
  const measured: Record<string, MeasuredQuantity> = {
    "gil-handoff": q(12 * US, 60 * US),
    "executor-handoff": q(6 * US, 30 * US),
    "executor-submit": q(8 * US),
    "asyncio-step": q(1.5 * US),
    "loop-iteration": q(3 * US),
    "threadsafe-wakeup": q(60 * US, 150 * US),
    wakeup: q(15 * US, 45 * US),
    "sleep-overshoot": q(75 * US),
    "thread-start": q(60 * US),
    "socket-send": q(10 * US),
    "socket-roundtrip": q(27 * US),
    "socket-recv-ready": q(3 * US),
    "process-start": q(3000 * US, 4000 * US),
    "os-slice": q(4000 * US),
    "gil-order-first": q(0.9, 0.9, "share"),
    "gil-order-last": q(0.05, 0.05, "share"),
  };
  // A round trip of 200 us + 2 ns per byte + two wake-ups (15 us, the measured one) each way per
  // further pipe-full, up to 1 MiB, and a 4 MiB point far above the line (past the fit's limit).
  const trip = (x: number) => 200_000 + 2 * x + 2 * 2 * (pipeChunks(x) - 1) * 15 * US;
  const trips: [number, number][] = [0, 16384, 65536, 262144, 1 << 20].flatMap((x) => [
    [x, trip(x)] as [number, number],
    [x, trip(x)] as [number, number],
  ]);
  trips.push([4 << 20, 500_000_000]);
  const { runtime, derived, slice } = runtimeFromMeasurements(measured, trips);

  test("maps each measurement to the parameter whose composition in the model reproduces it", () => {
    const r = parsed(runtime);
    // A forced switch is drop -> gilWakeup -> take -> gilHandoff: the gap minus the handoff CPU.
    // Less the idle-CPU wake-up the model adds itself (the waiter's CPU idle half a 1 ms interval),
    // but never below 1 us.
    const own = GIL_HANDOFF_NS + Math.min(defaultIdleExtra(500 * US), 12 * US - GIL_HANDOFF_NS - 1 * US);
    expect(r.gilWakeup).toEqual({
      dist: "lognormal",
      mu: expect.closeTo(Math.log(12 * US - own), 2),
      sigma: expect.closeTo(Math.log(Math.min((60 * US - own) / (12 * US - own), TAIL_CAP)) / LN_Z99, 2),
    });
    // No back-to-back measurement (a profile from before it was kept): the call after idle gaps.
    expect(r.submitCost).toEqual({ dist: "constant", value: 8 * US });
    expect(r.loopStepCost).toEqual({ dist: "constant", value: 1.5 * US });
    // The measured iteration less its select(), which the model charges itself (POLL_COST).
    expect(r.loopIterationCost).toEqual({ dist: "constant", value: 3 * US - POLL_COST });
    // call_soon_threadsafe to the callback, minus what the model adds after the wake-up: the whole
    // measured iteration (loopIterationCost and the select() that waited) and the step, and the
    // idle-CPU wake-up; never below 1 us
    const own2 = Math.min(1.5 * US + 3 * US + defaultIdleExtra(1000 * US), 60 * US - 1 * US);
    expect(own2).toBeLessThan(59 * US);
    expect((r.threadsafeWakeup as { mu: number }).mu).toBeCloseTo(Math.log(60 * US - own2), 2);
    // a sleep's overshoot less the idle-CPU wake-up after its 1 ms sleep, which the model adds
    expect(r.timerSlack).toBe(75 * US - defaultIdleExtra(1000 * US));
    expect(r.threadStart).toEqual({ dist: "constant", value: 60 * US });
    expect(r.socketSend).toEqual({ dist: "constant", value: 10 * US });
    expect(r.socketRecv).toEqual({ dist: "constant", value: 3 * US });
    // the echo's round trip less two sends and the peer's ready recv(), halved, less the idle share
    expect(r.socketWakeup).toEqual({ dist: "constant", value: 2 * US - defaultIdleExtra(27 * US) });
    expect(r.gilWinner).toBe("fifo");
    expect(slice).toBe("4ms");
  });

  test("socketWakeup is left out when the echo's round trip is shorter than its parts (the peer overlapped the send)", () => {
    const overlapped = runtimeFromMeasurements(
      { "socket-send": q(16.8 * US), "socket-roundtrip": q(19.2 * US), "socket-recv-ready": q(4 * US) },
      [],
    ).runtime;
    expect(overlapped.socketSend).toBe("16.8us");
    expect(overlapped.socketWakeup).toBeUndefined();
    expect(runtimeFromMeasurements({ "socket-send": q(10 * US) }, []).runtime.socketWakeup).toBeUndefined();
  });

  test("fits the process round trip through the empty payload, ignoring payloads above the fit limit", () => {
    expect(derived["process-roundtrip-fit"]?.median).toBe(200_000);
    expect(derived["process-roundtrip-per-byte"]?.median).toBeCloseTo(2, 6);
    // model round trip: 2 x threadHandoff (to the manager, then to the feeder) + 4 x (ipcBase + ipcPerByte x size) + 2 x ipcLatency, + the caller's wake-up
    expect(runtime.ipcPerByte).toBeCloseTo(0.5, 6);
    // the pipe's wake-ups are the measured wake-up whole (short sleeps: no idle term to take off)
    expect(runtime.pipeWakeup).toEqual({ dist: "lognormal", median: "15us", p99: "45us" });
    expect(parsed(runtime).ipcBase).toBe((200_000 - 2 * 6 * US - 3 * 15 * US) / 4);
    // the first call of a new pool minus a warm round trip
    expect((parsed(runtime).processStart as { mu: number }).mu).toBeCloseTo(Math.log(3000 * US - 200_000), 2);
  });

  test("ipcBySize goes through each size's median: 64 KiB keeps its own small cost when 1 MiB is slow", () => {
    // Measured on the development VM: 64 KiB round trips a fifth of a millisecond over the empty
    // one, 1 MiB twenty milliseconds (page faults). A line through all of them charged 64 KiB
    // messages twice their measured round trip.
    const wake = 15 * US;
    const bent: [number, number][] = [
      [0, 600_000],
      [16_384, 560_000], // below the empty one: noise, costs 0
      [65_536, 800_000 + 2 * 2 * wake],
      [262_144, 4_600_000 + 2 * 8 * wake],
      [1_048_576, 20_600_000 + 2 * 32 * wake],
    ];
    const { runtime: r } = runtimeFromMeasurements(measured, bent);
    expect(r.ipcBySize).toEqual([
      { size: 16_384, cost: "0ns" },
      { size: 65_536, cost: "50us" },
      { size: 262_144, cost: "1ms" },
      { size: 1_048_576, cost: "5ms" },
    ]);
    expect(r.ipcPerByte).toBeCloseTo(4_000_000 / 786_432, 3);
    // The model's four sides at each measured size give back its median's excess over the empty one.
    const p = parsed(r);
    for (const [size, y] of bent.slice(2))
      expect(4 * ipcBytesCost(p, size) + 2 * 2 * (pipeChunks(size) - 1) * wake).toBe(y - 600_000);
    // Sizes only go up in cost: a smaller median after a larger one keeps the larger cost.
    expect(
      ipcCurve([
        [0, 100],
        [1000, 500],
        [2000, 300],
      ])?.points,
    ).toEqual([
      { size: 1000, cost: 100 },
      { size: 2000, cost: 100 },
    ]);
    expect(ipcCurve([[16_384, 500]])).toBeNull();
    expect(ipcCurve([[0, 500]])).toBeNull();
  });

  test("clamps a negative per-byte fit to 0 and keeps the fitted slope in the derived quantities", () => {
    // Round trips that shrink with the payload once the pipe's wake-ups are off (noise, or
    // wake-ups measured long): the runtime cannot take a negative cost, the profile shows it.
    const falling: [number, number][] = [0, 65536, 262144].map((x) => [x, 400_000 - x / 2]);
    const { runtime: r, derived: d } = runtimeFromMeasurements(measured, falling);
    expect(r.ipcPerByte).toBe(0);
    expect(d["process-roundtrip-per-byte"]?.median).toBeLessThan(0);
  });

  test("caps a p99 tail at TAIL_CAP times the median", () => {
    const { runtime: r } = runtimeFromMeasurements({ "executor-handoff": q(50 * US, 50_000 * US) }, []);
    // the measured median less the idle-CPU wake-up the model adds itself after a 1 ms idle
    const median = 50 * US - defaultIdleExtra(1000 * US);
    expect(r.threadHandoff).toEqual({
      dist: "lognormal",
      median: exactDuration(median),
      p99: exactDuration(median * TAIL_CAP),
    });
    expect(exactDuration(37_250)).toBe("37.25us");
    expect(exactDuration(3_968_913)).toBe("3.968913ms");
    expect(exactDuration(800.4)).toBe("800ns");
  });

  test("sets gilWinner lifo or random from the order experiment", () => {
    const order = (first: number, last: number) =>
      runtimeFromMeasurements(
        { "gil-order-first": q(first, first, "share"), "gil-order-last": q(last, last, "share") },
        [],
      ).runtime.gilWinner;
    expect(order(0.1, 0.85)).toBe("lifo");
    expect(order(0.4, 0.3)).toBe("random");
  });

  test("leaves out what was not measured", () => {
    expect(runtimeFromMeasurements({}, [])).toEqual({
      runtime: {},
      derived: {},
      slice: null,
      coldStart: null,
      timerTail: null,
    });
  });
});

describe("coldStartFit", () => {
  // What the cold-start experiment would measure if the model were exact: a warm path, the idle
  // wake term's growth, and max x (1 - exp(-(gap / tau)^2)) on top.
  const gaps = [300e3, 1e6, 2e6, 3e6, 5e6, 10e6, 20e6];
  const measured = (max: number, tau: number): [number, number][] =>
    gaps.map((g) => [g, 60 * US + idleWakeExtra(DEFAULT_IDLE_WAKE, g) + max * (1 - Math.exp(-((g / tau) ** 2)))]);

  test("recovers max and tau from the medians by idle gap, the idle wake term taken off", () => {
    for (const [max, tau] of [
      [150 * US, 3e6],
      [90 * US, 6e6],
      [200 * US, 1.5e6],
    ] as const) {
      const fit = coldStartFit(measured(max, tau));
      expect(fit?.max).toBeGreaterThan(max * 0.97);
      expect(fit?.max).toBeLessThan(max * 1.03);
      expect(fit?.tau).toBeGreaterThan(tau * 0.97);
      expect(fit?.tau).toBeLessThan(tau * 1.03);
    }
  });

  test("gives max 0 when idles cost nothing beyond the wake term, and null with fewer than three gaps", () => {
    expect(coldStartFit(measured(0, 3e6))?.max).toBe(0);
    expect(coldStartFit(measured(150 * US, 3e6).slice(0, 2))).toBeNull();
  });

  test("runtimeFromMeasurements maps the cold-start medians and the cold and warm Python to machine.coldStart", () => {
    const m: Record<string, MeasuredQuantity> = {
      "cold-kernel": q(260 * US),
      "warm-kernel": q(65 * US),
    };
    for (const [g, y] of measured(150 * US, 3e6)) m[`cold-start-${g}`] = q(y);
    const { coldStart, derived } = runtimeFromMeasurements(m, []);
    // max: the extra time of the cold unit (260 - 65 us); slowdown: the ratio; tau: the path's curve.
    expect(coldStart?.slowdown).toBe(4);
    expect(coldStart?.max).toBe("195us");
    expect(Number(coldStart?.tau.replace("ms", ""))).toBeCloseTo(3, 1);
    // The path's own growth is kept beside it.
    expect(derived["cold-start-fit"]?.median).toBeGreaterThan(145 * US);
    expect(derived["cold-start-fit"]?.median).toBeLessThan(155 * US);
    // Without the kernel pair there is no slowdown to apply: nothing is set.
    const { "cold-kernel": _c, ...noKernel } = m;
    expect(runtimeFromMeasurements(noKernel, []).coldStart).toBeNull();
  });
});

describe("the timer tail (machine.timerTail)", () => {
  test("timerTailOf counts the sleeps over TAIL_ABOVE past the median and keeps how far past the median each was", () => {
    const samples = [
      ...Array(980).fill(90 * US),
      ...Array.from({ length: 20 }, (_, i) => 90 * US + 210 * US + i * 50 * US),
    ];
    // One exactly TAIL_ABOVE past the median is not in the tail.
    samples.push(90 * US + TAIL_ABOVE);
    const t = timerTailOf(samples);
    expect(t?.n).toBe(1001);
    expect(t?.share).toBeCloseTo(20 / 1001, 12);
    expect(t?.excess).toEqual(Array.from({ length: 20 }, (_, i) => 210 * US + i * 50 * US));
    expect(timerTailOf([])).toBeNull();
    // The geometric mean of the excesses: 250 us and 1 ms past the median give 500 us; none gives 0.
    const two = timerTailOf([...Array(98).fill(90 * US), 340 * US, 1090 * US]);
    expect(two?.gm).toBeCloseTo(500 * US, 6);
    expect(timerTailOf(Array(100).fill(90 * US))?.gm).toBe(0);
  });

  test("timerTailFit recovers a log-uniform tail from TAIL_ABOVE: the median of its draws gives max", () => {
    // The exact quantiles of a log-uniform from 200 us to 1.5 ms, as a calibration would see them.
    const max = 1500 * US;
    const draws = Array.from({ length: 999 }, (_, i) => TAIL_ABOVE * (max / TAIL_ABOVE) ** ((i + 0.5) / 999));
    const sorted = [...draws].sort((a, b) => a - b);
    const fit = timerTailFit(sorted[499] as number);
    expect(fit.min).toBe(TAIL_ABOVE);
    expect(fit.max / max).toBeCloseTo(1, 3);
    // A median at or below TAIL_ABOVE (cannot happen from timerTailOf) gives min = max.
    expect(timerTailFit(100 * US)).toEqual({ min: TAIL_ABOVE, max: TAIL_ABOVE });
  });

  test("runtimeFromMeasurements maps the share and the late calls' centre to machine.timerTail, share 0 when none was late", () => {
    const m = { "timer-tail-share": q(0.02, 0.02, "share"), "timer-tail": q(500 * US, 3000 * US) };
    expect(runtimeFromMeasurements(m, []).timerTail).toEqual({ share: 0.02, min: "200us", max: "1.25ms" });
    // The geometric mean, when kept, is the centre; too few late calls keep the default spread.
    const gm = { ...m, "timer-tail-gm": q(600 * US) };
    expect(runtimeFromMeasurements(gm, []).timerTail).toEqual({ share: 0.02, min: "200us", max: "1.8ms" });
    const few = { ...gm, "timer-tail-gm": { ...q(2000 * US), n: 3 } };
    expect(runtimeFromMeasurements(few, []).timerTail).toEqual({ share: 0.02, min: "200us", max: "1.8ms" });
    expect(runtimeFromMeasurements({ "timer-tail-share": q(0, 0, "share") }, []).timerTail).toEqual({
      share: 0,
      min: "200us",
      max: "1.8ms",
    });
    // Parsed by the scenario schema as the simulator gets it.
    const s = parseScenario({
      machine: { timerTail: runtimeFromMeasurements(m, []).timerTail ?? undefined },
      executor: { kind: "sync" },
      workload: { arrivals: { kind: "batch", count: 1 }, classes: [{ steps: [{ cpu: "1ms" }] }] },
    });
    expect(s.machine.timerTail).toEqual({ share: 0.02, min: 200 * US, max: 1250 * US });
  });
});

describe("throughFirst", () => {
  test("recovers an exact line, and skips points beyond maxX", () => {
    const pts: [number, number][] = [
      [0, 10],
      [100, 310],
      [200, 610],
      [10_000, 1],
    ];
    expect(throughFirst(pts, 1000)).toEqual({ intercept: 10, slope: 3 });
    expect(throughFirst([[5, 7]], FIT_MAX_BYTES)).toEqual({ intercept: 7, slope: 0 });
  });
});
