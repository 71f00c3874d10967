import { type Color, converter, parse } from "culori";
import { describe, expect, it } from "vitest";
import {
  contrastRatio,
  EXECUTOR_KINDS,
  EXECUTOR_STYLES,
  GIL_HOLD_SHADES,
  GIL_HOLD_TEXT,
  kindShade,
  NOT_STARTED,
  OKABE_ITO,
  STATE_COLORS,
  STATE_LABELS,
  STATE_TEXT,
  seriesColor,
  textColorOf,
  textOn,
} from "../../src/charts/palette.js";
import { THREAD_STATES } from "../../src/trace/types.js";
import { deltaE, SIGHT } from "../fixtures/sight.js";

const lab = converter("lab");

// Colour-vision deficiency simulated as Machado, Oliveira and Fernandes (2009) do, at full
// severity, on linear RGB (test/fixtures/sight.ts), distances in CIEDE2000, the CIE's perceptual colour difference: about 2 is just
// noticeable, and two fills of a thin lane need far more to be named apart at a glance.

/** The closest pair of `colors` as seen through `see`, and its distance. */
function closest(colors: Record<string, string>, see: (c: Color) => Color): { pair: string; distance: number } {
  const names = Object.keys(colors);
  let best = { pair: "", distance: Infinity };
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      const a = see(parse(colors[names[i] as string] as string) as Color);
      const b = see(parse(colors[names[j] as string] as string) as Color);
      const d = deltaE(a, b);
      if (d < best.distance) best = { pair: `${names[i]} / ${names[j]}`, distance: d };
    }
  }
  return best;
}

function linear(hex: string): number[] {
  return [1, 3, 5].map((i) => {
    const v = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
}

describe("palette", () => {
  it("STATE_COLORS gives every thread state its own colour and label", () => {
    expect(Object.keys(STATE_COLORS).sort()).toEqual([...THREAD_STATES].sort());
    expect(new Set(Object.values(STATE_COLORS)).size).toBe(THREAD_STATES.length);
    expect(new Set(Object.values(STATE_LABELS)).size).toBe(THREAD_STATES.length);
  });

  it("STATE_COLORS stay apart (CIEDE2000 >= 18 for every pair) under normal vision, deuteranopia and protanopia", () => {
    for (const [sight, see] of Object.entries(SIGHT)) {
      const { pair, distance } = closest(STATE_COLORS, see);
      expect(distance, `${sight}: ${pair}`).toBeGreaterThanOrEqual(18);
    }
  });

  it("the check can fail: the old Okabe-Ito state colours fall under it (holds GIL / waiting for a core)", () => {
    const old = {
      gil: "#D55E00",
      nogil: "#009E73",
      "wait-gil": "#CC79A7",
      "wait-core": "#E69F00",
      io: "#56B4E9",
      idle: "#d4d4d4",
    };
    expect(closest(old, SIGHT.deuteranopia as (c: Color) => Color).distance).toBeLessThan(18);
  });

  // The state colours before 2026-11-30: "running, holds GIL" was within CIEDE2000 7 of the
  // threads (GIL) vermillion, and holding and waiting for the GIL were L* 56 and 50 in grey.
  const EARLIER_STATES = {
    gil: "#E3541C",
    nogil: "#0F5A4A",
    "wait-gil": "#D22CA5",
    "wait-core": "#F2D532",
    io: "#52B8F5",
    idle: "#cfcfcf",
  };
  /** The smallest CIELAB lightness gap between two of `colors`: what a grey print keeps. */
  const lightnessGap = (colors: Record<string, string>): number => {
    const ls = Object.values(colors)
      .map((c) => (lab(parse(c) as Color) as { l: number }).l)
      .sort((a, b) => a - b);
    return Math.min(...ls.slice(1).map((l, i) => l - (ls[i] as number)));
  };
  /** The closest (state, executor kind) pair of colours under normal vision. */
  const nearestKind = (colors: Record<string, string>): number =>
    Math.min(
      ...Object.values(colors).flatMap((c) =>
        EXECUTOR_KINDS.map((k) => deltaE(parse(c) as Color, parse(EXECUTOR_STYLES[k].color) as Color)),
      ),
    );

  it("STATE_COLORS differ in lightness (CIELAB L* at least 9 apart), so a grey print keeps every state apart", () => {
    expect(lightnessGap(STATE_COLORS)).toBeGreaterThanOrEqual(9);
    expect(lightnessGap(EARLIER_STATES)).toBeLessThan(9);
  });

  it("no state colour is close to an executor kind's colour (CIEDE2000 >= 15 under normal vision)", () => {
    expect(nearestKind(STATE_COLORS)).toBeGreaterThanOrEqual(15);
    expect(nearestKind(EARLIER_STATES)).toBeLessThan(15);
  });

  it("the GIL track's two shades are far from every executor kind's colour and shade (CIEDE2000 >= 10) and from each other, in every sight", () => {
    const kinds = Object.fromEntries(
      EXECUTOR_KINDS.flatMap((k) => [0, 1, 2].map((i) => [`${k} ${i}`, kindShade(EXECUTOR_STYLES[k].color, i)])),
    );
    const nearest = (shades: readonly string[]) =>
      Math.min(
        ...Object.values(SIGHT).flatMap((see) =>
          shades.flatMap((g) =>
            Object.values(kinds).map((k) => deltaE(see(parse(g) as Color), see(parse(k) as Color))),
          ),
        ),
      );
    expect(nearest(GIL_HOLD_SHADES)).toBeGreaterThanOrEqual(10);
    // The earlier brown and light orange: 1.7 from the dark vermillion of a second thread-pool series.
    expect(nearest(["#8a3c00", "#f0a36c"])).toBeLessThan(10);
    for (const see of Object.values(SIGHT)) {
      const [a, b] = GIL_HOLD_SHADES.map((g) => see(parse(g) as Color)) as [Color, Color];
      expect(deltaE(a, b)).toBeGreaterThanOrEqual(30);
    }
  });

  it("the not-started fill differs from idle and from every state by more than a shade (CIEDE2000 >= 8), and is hatched", () => {
    for (const [sight, see] of Object.entries(SIGHT)) {
      const { pair, distance } = closest({ ...STATE_COLORS, "not started": NOT_STARTED.fill }, see);
      expect(distance, `${sight}: ${pair}`).toBeGreaterThanOrEqual(8);
    }
    expect(NOT_STARTED.hatch).not.toBe(NOT_STARTED.fill);
  });

  // Processes take an orange a little brighter than Okabe and Ito's (#ffa000 for #E69F00): theirs
  // is 12.5 from the threads' vermillion for a deuteranope with Machado's matrices on linear RGB,
  // this one 15.4 (the 15 here was met before only through the matrices on gamma-encoded values).
  it("EXECUTOR_STYLES stay apart in colour (CIEDE2000 >= 15) under each deficiency and differ in symbol", () => {
    const colors = Object.fromEntries(EXECUTOR_KINDS.map((k) => [k, EXECUTOR_STYLES[k].color]));
    for (const [sight, see] of Object.entries(SIGHT)) {
      const { pair, distance } = closest(colors, see);
      expect(distance, `${sight}: ${pair}`).toBeGreaterThanOrEqual(15);
    }
    expect(new Set(EXECUTOR_KINDS.map((k) => EXECUTOR_STYLES[k].symbol)).size).toBe(EXECUTOR_KINDS.length);
  });

  it("kindShade keeps the series of one executor kind apart (CIEDE2000 >= 12) under normal vision, deuteranopia and protanopia", () => {
    for (const kind of EXECUTOR_KINDS) {
      const base = EXECUTOR_STYLES[kind].color;
      expect(kindShade(base, 0)).toBe(base);
      const shades = Object.fromEntries([0, 1, 2].map((k) => [`${kind} ${k}`, kindShade(base, k)]));
      for (const [sight, see] of Object.entries(SIGHT)) {
        const { pair, distance } = closest(shades, see);
        expect(distance, `${sight}: ${pair}`).toBeGreaterThanOrEqual(12);
      }
      // Each shade stands off the white page at least as well as the kind's own colour, or 2:1 (the
      // processes' orange, the palest, is 2.04:1; black's lighter greys).
      for (const k of [1, 2]) {
        const floor = Math.min(2, contrastRatio(base, "#ffffff"));
        expect(contrastRatio(kindShade(base, k), "#ffffff"), `${kind} ${k}`).toBeGreaterThanOrEqual(floor);
      }
    }
  });

  it("textColorOf keeps colours that read on white and darkens the others just to WCAG AA", () => {
    expect(textColorOf("#0072B2")).toBe("#0072B2");
    for (const color of [...Object.values(OKABE_ITO), ...Object.values(STATE_COLORS), "#F0E442", "#ffffff"]) {
      const text = textColorOf(color);
      expect(contrastRatio(text, "#ffffff"), color).toBeGreaterThanOrEqual(4.5);
      if (contrastRatio(color, "#ffffff") < 4.5) expect(contrastRatio(text, "#ffffff"), color).toBeLessThan(5.2);
      else expect(text).toBe(color);
    }
    expect(() => textColorOf("orange")).toThrow('invalid colour: "orange" (expected #rrggbb)');
  });

  it("textOn picks white on dark fills and black on light ones, in hex or rgb() form", () => {
    expect(textOn("#000000")).toBe("#ffffff");
    expect(textOn("#ffffff")).toBe("#000000");
    expect(textOn("#F0E442")).toBe("#000000");
    expect(textOn("rgb(68, 1, 84)")).toBe("#ffffff");
    expect(() => textOn("teal")).toThrow('invalid colour: "teal" (expected #rrggbb or rgb(r, g, b))');
  });

  it("STATE_TEXT and GIL_HOLD_TEXT reach WCAG AA contrast (4.5:1) on their fills", () => {
    const luminance = (hex: string): number => {
      const [r, g, b] = linear(hex) as [number, number, number];
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const contrast = (a: string, b: string): number => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
      return (hi + 0.05) / (lo + 0.05);
    };
    for (const s of THREAD_STATES) expect(contrast(STATE_TEXT[s], STATE_COLORS[s]), s).toBeGreaterThanOrEqual(4.5);
    GIL_HOLD_SHADES.forEach((shade, i) => {
      expect(contrast(GIL_HOLD_TEXT[i] as string, shade)).toBeGreaterThanOrEqual(4.5);
    });
  });

  it("seriesColor cycles through the series colours", () => {
    expect(seriesColor(0)).toBe(seriesColor(7));
    expect(seriesColor(0)).not.toBe(seriesColor(1));
  });
});
