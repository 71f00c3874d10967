import { describe, expect, it } from "vitest";
import {
  EXECUTOR_KINDS,
  EXECUTOR_STYLES,
  GIL_HOLD_SHADES,
  GIL_HOLD_TEXT,
  STATE_COLORS,
  STATE_LABELS,
  STATE_TEXT,
  seriesColor,
  textOn,
} from "../../src/charts/palette.js";
import { THREAD_STATES } from "../../src/trace/types.js";

// Colour-vision deficiency simulation (Machado, Oliveira and Fernandes 2009, severity 1.0),
// applied in linear RGB, then CIE Lab (D65) distances between the simulated colours.
const CVD: Record<string, number[][]> = {
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  tritanopia: [
    [1.255528, -0.076749, -0.178779],
    [-0.078411, 0.930809, 0.147602],
    [0.004733, 0.691367, 0.3039],
  ],
  normal: [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ],
};

function linear(hex: string): number[] {
  return [1, 3, 5].map((i) => {
    const v = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
}

function lab(rgb: number[]): number[] {
  const [r, g, b] = rgb.map((v) => Math.min(1, Math.max(0, v))) as [number, number, number];
  const x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  const f = (t: number): number => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

function simulate(hex: string, matrix: number[][]): number[] {
  const c = linear(hex);
  return lab(matrix.map((row) => row.reduce((s, m, i) => s + m * (c[i] as number), 0)));
}

function minDistance(colors: string[], matrix: number[][]): number {
  let min = Infinity;
  for (let i = 0; i < colors.length; i++) {
    for (let j = i + 1; j < colors.length; j++) {
      const a = simulate(colors[i] as string, matrix);
      const b = simulate(colors[j] as string, matrix);
      min = Math.min(min, Math.hypot(...a.map((v, k) => v - (b[k] as number))));
    }
  }
  return min;
}

describe("palette", () => {
  it("STATE_COLORS gives every thread state its own colour and label", () => {
    expect(Object.keys(STATE_COLORS).sort()).toEqual([...THREAD_STATES].sort());
    expect(new Set(Object.values(STATE_COLORS)).size).toBe(THREAD_STATES.length);
    expect(new Set(Object.values(STATE_LABELS)).size).toBe(THREAD_STATES.length);
  });

  it("STATE_COLORS stay apart (CIE Lab distance >= 15) under normal vision, protanopia, deuteranopia and tritanopia", () => {
    for (const [name, matrix] of Object.entries(CVD)) {
      const d = minDistance(Object.values(STATE_COLORS), matrix);
      expect(d, name).toBeGreaterThanOrEqual(15);
    }
  });

  it("EXECUTOR_STYLES stay apart in colour (distance >= 15) under each deficiency and differ in symbol", () => {
    const colors = EXECUTOR_KINDS.map((k) => EXECUTOR_STYLES[k].color);
    for (const [name, matrix] of Object.entries(CVD)) {
      expect(minDistance(colors, matrix), name).toBeGreaterThanOrEqual(15);
    }
    expect(new Set(EXECUTOR_KINDS.map((k) => EXECUTOR_STYLES[k].symbol)).size).toBe(EXECUTOR_KINDS.length);
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
