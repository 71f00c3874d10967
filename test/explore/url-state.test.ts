import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { MS } from "../../src/engine/time.js";
import {
  DEFAULT_SLO,
  decodeState,
  defaultState,
  encodeState,
  type PageState,
  prettyJson,
} from "../../src/explore/url-state.js";
import { getPreset } from "../../src/scenario/presets.js";

describe("encodeState / decodeState", () => {
  test("decodeState(encodeState(state)) gives the state back, for any scenario JSON, target and window", () => {
    const json = fc.jsonValue().map((v) => prettyJson(v));
    const state = fc.record({
      a: json,
      b: fc.option(json, { nil: null }),
      slo: fc.integer({ min: 1, max: 10_000 }).map((ms) => ms * MS),
      window: fc.option(
        fc
          .tuple(fc.nat({ max: 1e12 }), fc.integer({ min: 1, max: 1e12 }))
          .map(([s, w]): [number, number] => [s, s + w]),
        { nil: null },
      ),
    });
    fc.assert(
      fc.property(state, (s: PageState) => {
        expect(decodeState(`#${encodeState(s)}`)).toEqual(s);
      }),
    );
  });

  test("text that is not JSON travels as written, so the page can show its error", () => {
    const s = { ...defaultState(), a: '{"executor": ' };
    expect(decodeState(encodeState(s)).a).toBe('{"executor": ');
  });

  test("#preset=NAME opens a preset; an empty or wrong fragment gives the default page", () => {
    expect(JSON.parse(decodeState("#preset=convoy").a)).toEqual(getPreset("convoy"));
    expect(decodeState("")).toEqual(defaultState());
    const odd = decodeState("#preset=nope&slo=fast&window=5ms,1ms");
    expect(odd).toEqual(defaultState());
    expect(odd.slo).toBe(DEFAULT_SLO);
  });

  test("encodeState writes compact JSON and durations with units", () => {
    const text = encodeState({ a: '{ "seed": 3 }', b: null, slo: 250 * MS, window: [0, 1500 * 1000] });
    expect(new URLSearchParams(text).get("a")).toBe('{"seed":3}');
    expect(text).toContain("slo=250ms");
    expect(new URLSearchParams(text).get("window")).toBe("0ms,1500us");
  });
});
