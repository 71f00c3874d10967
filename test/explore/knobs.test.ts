import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { MS, US } from "../../src/engine/time.js";
import {
  ARRIVAL_KINDS,
  applyKnob,
  durationText,
  EXECUTOR_CHOICES,
  type KnobChange,
  type Knobs,
  readKnobs,
  STEP_KNOBS,
} from "../../src/explore/knobs.js";
import { PYTHON_VERSIONS } from "../../src/model/profiles.js";
import { getPreset, presetNames } from "../../src/scenario/presets.js";
import { parseScenario } from "../../src/scenario/scenario.js";

const preset = (name: string): unknown => getPreset(name) as unknown;
const apply = (input: unknown, change: KnobChange): unknown => applyKnob(input, parseScenario(input), change);
const knobs = (input: unknown): Knobs => readKnobs(parseScenario(input));
// biome-ignore lint/suspicious/noExplicitAny: test access to the raw JSON
const raw = (input: unknown): any => input;

const change: fc.Arbitrary<KnobChange> = fc.oneof(
  fc.constantFrom(...EXECUTOR_CHOICES).map((value) => ({ knob: "executor" as const, value })),
  fc.integer({ min: 1, max: 64 }).map((value) => ({ knob: "workers" as const, value })),
  fc.constantFrom(...PYTHON_VERSIONS).map((value) => ({ knob: "python" as const, value })),
  fc.integer({ min: 1, max: 50 }).map((ms) => ({ knob: "switchInterval" as const, value: ms * MS })),
  fc.integer({ min: 1, max: 32 }).map((value) => ({ knob: "cores" as const, value })),
  fc
    .tuple(fc.constantFrom(...STEP_KNOBS), fc.integer({ min: 0, max: 100_000 }))
    .map(([knob, us]) => ({ knob, value: us * US })),
  fc.constantFrom(...ARRIVAL_KINDS).map((value) => ({ knob: "arrivals" as const, value })),
  fc.integer({ min: 1, max: 2000 }).map((value) => ({ knob: "count" as const, value })),
  fc.integer({ min: 0, max: 1e6 }).map((value) => ({ knob: "seed" as const, value })),
);

/** The value readKnobs must give back after `c`, when the knob applies to the scenario. */
function readBack(k: Knobs, c: KnobChange): unknown {
  switch (c.knob) {
    case "executor":
      return k.executor;
    case "workers":
      return k.executor === "sync" ? null : k.workers;
    case "python":
      return k.python;
    case "switchInterval":
      return k.switchInterval;
    case "cores":
      return k.cores;
    case "arrivals":
      return k.arrivals;
    case "count":
      return k.count;
    case "seed":
      return k.seed;
    case "gil":
      return k.gil;
    case "rate":
      return k.rate;
    case "clients":
      return k.clients;
    default:
      return k.steps[c.knob];
  }
}

describe("applyKnob", () => {
  test("applyKnob keeps every preset valid and readKnobs reads the new value back, whatever knobs are turned in turn", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...presetNames()),
        fc.array(change, { minLength: 1, maxLength: 6 }),
        (name, changes) => {
          let input = preset(name);
          for (const c of changes) {
            const before = structuredClone(input);
            const next = apply(input, c);
            expect(input).toEqual(before); // the input is not edited in place
            input = next;
            const k = knobs(input);
            const expected = c.knob === "workers" && k.executor === "sync" ? null : (c as { value: unknown }).value;
            expect(readBack(k, c)).toEqual(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test("applyKnob changes only the knob it is given", () => {
    const input = preset("web-api");
    const before = knobs(input);
    const after = knobs(apply(input, { knob: "cores", value: 8 }));
    expect({ ...after, cores: 4 }).toEqual(before);
    const slower = knobs(apply(input, { knob: "io", value: 45 * MS }));
    expect({ ...slower, steps: { ...slower.steps, io: 30 * MS } }).toEqual(before);
  });

  test("a request knob adds its step in order, and 0 removes it", () => {
    const withRelease = apply(preset("web-api"), { knob: "release", value: 5 * MS });
    expect(raw(withRelease).workload.classes[0].steps).toEqual([
      { cpu: "2ms" },
      { cpu: "5ms", gil: "release" },
      { io: "30ms" },
    ]);
    const blocking = apply(withRelease, { knob: "block", value: 1500 * US });
    expect(raw(blocking).workload.classes[0].steps[2]).toEqual({ block: "1500us" });
    const noCpu = apply(blocking, { knob: "cpu", value: 0 });
    expect(raw(noCpu).workload.classes[0].steps).toEqual([
      { cpu: "5ms", gil: "release" },
      { block: "1500us" },
      { io: "30ms" },
    ]);
  });

  test("a request knob edits the step inside a repeat, and says the repeat count", () => {
    const convoy = apply(preset("convoy"), { knob: "cpu", value: 50 * US });
    expect(raw(convoy).workload.classes[0].steps[0].steps).toEqual([{ io: "1ms" }, { cpu: "50us" }]);
    expect(knobs(convoy).places.cpu).toEqual({ repeat: 200, offloaded: false });
    // The last step of a repeat gone, the empty repeat goes too; the task keeps one step.
    const noIo = apply(convoy, { knob: "io", value: 0 });
    const noSteps = apply(noIo, { knob: "cpu", value: 0 });
    expect(raw(noSteps).workload.classes[0].steps).toEqual([{ cpu: "0ms" }]);
  });

  test("a distribution keeps its shape: the knob sets its mean", () => {
    const input = apply(preset("asyncio-offload"), { knob: "io", value: 40 * MS });
    expect(raw(input).workload.classes[0].steps[1]).toEqual({ io: { dist: "exponential", mean: "40ms" } });
  });

  test("asyncio + a pool offloads each run of steps between IO awaits; a pool or plain asyncio inlines them again", () => {
    const offloaded = apply(preset("web-api"), { knob: "executor", value: "asyncio-threads" });
    expect(raw(offloaded).executor).toEqual({ kind: "asyncio", offload: { kind: "threads" } });
    expect(raw(offloaded).workload.classes[0].steps).toEqual([{ offload: [{ cpu: "2ms" }] }, { io: "30ms" }]);
    const added = apply(offloaded, { knob: "release", value: 3 * MS });
    expect(raw(added).workload.classes[0].steps[0]).toEqual({
      offload: [{ cpu: "2ms" }, { cpu: "3ms", gil: "release" }],
    });
    const threads = apply(preset("asyncio-offload"), { knob: "executor", value: "threads" });
    expect(raw(threads).executor).toEqual({ kind: "threads", workers: 4 });
    expect(raw(threads).workload.classes[1].steps).toEqual([{ cpu: "200us" }, { cpu: "20ms", gil: "release" }]);
  });

  test("workers means the pool's size, or event-loop processes for plain asyncio", () => {
    expect(raw(apply(preset("web-api"), { knob: "workers", value: 3 })).executor).toEqual({
      kind: "asyncio",
      offload: "none",
      loops: 3,
    });
    expect(raw(apply(preset("asyncio-offload"), { knob: "workers", value: 9 })).executor.offload.workers).toBe(9);
    expect(knobs(preset("threads-cpu")).workers).toBe(4);
    // A pool with no size reads its default: min(32, cores + 4) threads.
    expect(knobs(apply(preset("web-api"), { knob: "executor", value: "threads" })).workers).toBe(8);
  });

  test("a build with a GIL drops gil: off; a free-threaded build can turn it on", () => {
    const ft = preset("free-threaded");
    expect(knobs(ft).gil).toBe(false);
    const on = apply(ft, { knob: "gil", value: true });
    expect(knobs(on).gil).toBe(true);
    const off = apply(ft, { knob: "gil", value: false });
    const gilBuild = apply(off, { knob: "python", value: "3.12" });
    expect(raw(gilBuild).runtime).toEqual({ python: "3.12" });
    expect(knobs(gilBuild).gil).toBe(true);
  });

  test("arrivals keep the task count and take a rate or clients when they need one", () => {
    const poisson = apply(preset("threads-cpu"), { knob: "arrivals", value: "poisson" });
    expect(raw(poisson).workload.arrivals).toEqual({ kind: "poisson", rate: "100/s", count: 8 });
    const faster = apply(poisson, { knob: "rate", value: 250 });
    expect(knobs(faster).rate).toBe(250);
    const closed = apply(faster, { knob: "arrivals", value: "closed" });
    expect(raw(closed).workload.arrivals).toEqual({ kind: "closed", clients: 4, count: 8 });
    expect(knobs(apply(closed, { knob: "clients", value: 7 })).clients).toBe(7);
  });

  test("replayed arrivals (a fitted scenario) show as replay with their count, and fewer tasks keep the first times", () => {
    const input = structuredClone(preset("threads-cpu")) as { workload: { arrivals: unknown } };
    input.workload.arrivals = { kind: "replay", times: [0, 1, 2.5, 4] };
    expect(knobs(input)).toMatchObject({ arrivals: "replay", count: 4, rate: null, clients: null });
    const fewer = apply(input, { knob: "count", value: 2 });
    expect(raw(fewer).workload.arrivals).toEqual({ kind: "replay", times: [0, 1] });
    expect(knobs(fewer).count).toBe(2);
  });
});

describe("durationText", () => {
  test("durationText writes whole ms, whole us or ns, and parses back to the same nanoseconds", () => {
    expect(durationText(2 * MS)).toBe("2ms");
    expect(durationText(1500 * US)).toBe("1500us");
    expect(durationText(1234)).toBe("1234ns");
    expect(durationText(0)).toBe("0ms");
  });
});
