import { describe, expect, test } from "vitest";
import { MS } from "../../src/engine/time.js";
import { MARKER_NAME, STATE_MEANING, stateReason, TERMS, whySentence } from "../../src/explore/words.js";
import { THREAD_STATES } from "../../src/trace/types.js";

const facts = { thread: "io-loop", holder: "cruncher", switchInterval: 5 * MS, waiting: 0 };

describe("whySentence", () => {
  test("whySentence uses the trace's own names for each event", () => {
    expect(whySentence({ ...facts, kind: "drop-request" })).toBe(
      "io-loop has waited a whole switch interval (5ms) with no switch, so it sets the drop request: cruncher must drop the GIL at its next check point.",
    );
    expect(whySentence({ ...facts, kind: "forced-switch" })).toContain(`a ${TERMS.forcedSwitch}`);
    expect(whySentence({ ...facts, kind: "convoy" })).toContain("finds it taken by cruncher");
    expect(whySentence({ ...facts, kind: "convoy" })).toContain(`a ${TERMS.convoy} (bpo-7946)`);
    expect(whySentence({ ...facts, kind: "take", waiting: 2 })).toBe(
      "io-loop takes the GIL from cruncher: a hand-off, with 2 other threads still waiting.",
    );
    expect(whySentence({ ...facts, kind: "take", holder: null })).toBe("io-loop takes the free GIL.");
  });

  test("the marker names are the trace's kinds in words", () => {
    expect(MARKER_NAME).toEqual({ "drop-request": "drop request", "forced-switch": "forced switch", convoy: "convoy" });
  });
});

describe("stateReason", () => {
  test("stateReason says who held the GIL during a wait, and how many cores were busy", () => {
    const base = { holders: [] as string[], cores: 4, freeThreaded: false };
    expect(stateReason("wait-gil", { ...base, holders: ["a", "b", "c", "d", "e"] })).toContain(
      "held meanwhile by a, b, c and 2 more",
    );
    expect(stateReason("wait-gil", { ...base, holders: ["a", "b"] })).toContain("held meanwhile by a and b;");
    expect(stateReason("wait-core", { ...base, cores: 1 })).toContain("all 1 core is busy");
    expect(stateReason("nogil", { ...base, freeThreaded: true })).toContain("free-threaded");
    for (const state of THREAD_STATES) {
      expect(stateReason(state, base).length).toBeGreaterThan(10);
      expect(STATE_MEANING[state].length).toBeGreaterThan(5);
    }
  });
});
