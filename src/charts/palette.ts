/**
 * Data colours. Hues come from the Okabe-Ito palette (Okabe and Ito, 2008), chosen so readers
 * with the common colour-vision deficiencies can still tell them apart; each thread state and each
 * executor kind has one fixed colour in every figure. Lines also differ by point symbol, so a grey
 * print keeps them apart.
 */
import { THREAD_STATES, type ThreadState } from "../trace/types.js";
import type { GlyphName } from "./symbols.js";

export const OKABE_ITO = {
  black: "#000000",
  orange: "#E69F00",
  skyBlue: "#56B4E9",
  bluishGreen: "#009E73",
  yellow: "#F0E442",
  blue: "#0072B2",
  vermillion: "#D55E00",
  reddishPurple: "#CC79A7",
} as const;

/** One colour per thread state. Idle is a light neutral grey: "nothing happens" should recede. */
export const STATE_COLORS: Readonly<Record<ThreadState, string>> = {
  gil: OKABE_ITO.vermillion,
  nogil: OKABE_ITO.bluishGreen,
  "wait-gil": OKABE_ITO.reddishPurple,
  "wait-core": OKABE_ITO.orange,
  io: OKABE_ITO.skyBlue,
  idle: "#d4d4d4",
};

export const STATE_LABELS: Readonly<Record<ThreadState, string>> = {
  gil: "running, holds GIL",
  nogil: "running, no GIL",
  "wait-gil": "waiting for GIL",
  "wait-core": "waiting for a core",
  io: "IO / sleep",
  idle: "idle",
};

/** Text colour that reads on top of each state's fill (see textOn). */
export const STATE_TEXT: Readonly<Record<ThreadState, string>> = Object.fromEntries(
  THREAD_STATES.map((s) => [s, textOn(STATE_COLORS[s])]),
) as Record<ThreadState, string>;

export const EXECUTOR_KINDS = ["asyncio", "threads-gil", "threads-nogil", "processes", "sync"] as const;
/** The executor families compared in scaling figures; threads split by whether the build has a GIL. */
export type ExecutorKind = (typeof EXECUTOR_KINDS)[number];

export interface ExecutorStyle {
  label: string;
  color: string;
  symbol: GlyphName;
}

export const EXECUTOR_STYLES: Readonly<Record<ExecutorKind, ExecutorStyle>> = {
  asyncio: { label: "asyncio", color: OKABE_ITO.blue, symbol: "circle" },
  "threads-gil": { label: "threads (GIL)", color: OKABE_ITO.vermillion, symbol: "square" },
  "threads-nogil": { label: "threads (no GIL)", color: OKABE_ITO.bluishGreen, symbol: "diamond" },
  processes: { label: "processes", color: OKABE_ITO.orange, symbol: "triangle" },
  sync: { label: "sync", color: OKABE_ITO.black, symbol: "cross" },
};

/** Colours for series that carry no executor kind, in order of use. */
export const SERIES_COLORS: readonly string[] = [
  OKABE_ITO.blue,
  OKABE_ITO.vermillion,
  OKABE_ITO.bluishGreen,
  OKABE_ITO.orange,
  OKABE_ITO.reddishPurple,
  OKABE_ITO.skyBlue,
  OKABE_ITO.black,
];

/** Symbols paired with SERIES_COLORS, in the same order. */
export const SERIES_SYMBOLS: readonly GlyphName[] = [
  "circle",
  "square",
  "diamond",
  "triangle",
  "cross",
  "triangle-down",
];

export function seriesColor(index: number): string {
  return SERIES_COLORS[index % SERIES_COLORS.length] as string;
}

export function seriesSymbol(index: number): GlyphName {
  return SERIES_SYMBOLS[index % SERIES_SYMBOLS.length] as GlyphName;
}

/** The two alternating fills of GIL holds on a timeline: each hand-off flips the shade. */
export const GIL_HOLD_SHADES = ["#8a3c00", "#f0a36c"] as const;
export const GIL_HOLD_TEXT = [textOn(GIL_HOLD_SHADES[0]), textOn(GIL_HOLD_SHADES[1])] as const;

/** Agreement classes of the simulated-versus-measured figure. */
export const AGREEMENT_COLORS = {
  inner: OKABE_ITO.bluishGreen,
  outer: OKABE_ITO.orange,
  outside: OKABE_ITO.vermillion,
} as const;

/** Black or white, whichever reads better on `fill` ("#rrggbb" or "rgb(r, g, b)"), by WCAG relative luminance. */
export function textOn(fill: string): "#000000" | "#ffffff" {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(fill);
  const rgb = /^rgb\(\s*(\d+),\s*(\d+),\s*(\d+)\s*\)$/i.exec(fill);
  const parts = hex ? hex.slice(1).map((h) => Number.parseInt(h, 16)) : rgb ? rgb.slice(1).map(Number) : null;
  if (parts === null)
    throw new RangeError(`invalid colour: ${JSON.stringify(fill)} (expected #rrggbb or rgb(r, g, b))`);
  const [r, g, b] = parts.map((c) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // Contrast with white is (1.05)/(L+0.05), with black (L+0.05)/0.05; they are equal at L = 0.179.
  return luminance > 0.179 ? "#000000" : "#ffffff";
}
